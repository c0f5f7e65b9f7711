package cognism

import "errors"

var errCodecPending = errors.New("codec not built yet")

// ParseReport reads a text report.
func ParseReport(text string) (*Report, error) { return nil, errCodecPending }

// String renders the report.
func (r *Report) String() string { return "" }

// ParseEventsCSV reads an events CSV export.
func ParseEventsCSV(text string) (*EventsCSV, error) { return nil, errCodecPending }

// String renders the CSV export.
func (e *EventsCSV) String() string { return "" }
