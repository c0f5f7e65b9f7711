package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	json "github.com/goccy/go-json"
	"github.com/google/uuid"

	"github.com/cognism/graphql-gateway/cognism"
)

// live generates live events while someone listens and sends each stored
// event to the matching websockets and trigger subscriptions.
type live struct {
	s      *Server
	ctx    context.Context // ends when the server closes
	cancel context.CancelFunc
	wg     sync.WaitGroup // the generator, sessions and deliveries

	mu        sync.Mutex
	sessions  map[string]*wsSession
	subs      []activeSubscription
	genCancel context.CancelFunc // set while the generator runs
	stopped   bool

	callbacks *http.Client
}

// activeSubscription is an active trigger subscription with its compiled
// pattern.
type activeSubscription struct {
	sub    cognism.Subscription
	filter *eventFilter
}

func newLive(s *Server) *live {
	ctx, cancel := context.WithCancel(context.Background())
	l := &live{s: s, ctx: ctx, cancel: cancel, sessions: map[string]*wsSession{}}
	l.callbacks = newCallbackClient(s.callbackHostAllowed)
	return l
}

// start loads the active subscriptions, which may start the generator.
func (l *live) start(ctx context.Context) error {
	return l.reloadSubscriptions(ctx)
}

// stop ends the generator, closes every websocket and waits for pending
// callback deliveries to give up.
func (l *live) stop() {
	l.mu.Lock()
	l.stopped = true
	if l.genCancel != nil {
		l.genCancel()
		l.genCancel = nil
	}
	sessions := make([]*wsSession, 0, len(l.sessions))
	for _, sess := range l.sessions {
		sessions = append(sessions, sess)
	}
	l.mu.Unlock()

	l.cancel()
	for _, sess := range sessions {
		sess.close(websocketGoingAway, "server shutting down")
	}
	l.wg.Wait()
	l.callbacks.CloseIdleConnections()
}

// subscriptionsChanged reloads the active subscriptions after a create,
// modify or delete.
func (l *live) subscriptionsChanged() {
	ctx, cancel := context.WithTimeout(l.ctx, 10*time.Second)
	defer cancel()
	if err := l.reloadSubscriptions(ctx); err != nil && l.ctx.Err() == nil {
		l.s.log.Error("sandbox could not reload trigger subscriptions", "error", err)
	}
}

func (l *live) reloadSubscriptions(ctx context.Context) error {
	subs, err := l.s.activeSubscriptions(ctx)
	if err != nil {
		return err
	}
	var active []activeSubscription
	for _, sub := range subs {
		filter, err := compilePatternObject(sub.Pattern)
		if err != nil {
			l.s.log.Warn("sandbox skips a trigger subscription with an invalid pattern", "subscription", sub.ID, "error", err)
			continue
		}
		active = append(active, activeSubscription{sub: sub, filter: filter})
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.subs = active
	l.updateDemandLocked()
	return nil
}

// updateDemandLocked starts the generator when a websocket is open or an
// active subscription exists, and stops it when neither is left.
func (l *live) updateDemandLocked() {
	demand := !l.stopped && (len(l.sessions) > 0 || len(l.subs) > 0)
	switch {
	case demand && l.genCancel == nil:
		ctx, cancel := context.WithCancel(l.ctx)
		l.genCancel = cancel
		l.wg.Add(1)
		go l.generate(ctx)
	case !demand && l.genCancel != nil:
		l.genCancel()
		l.genCancel = nil
	}
}

// generate stores and publishes one new event per interval until ctx ends.
func (l *live) generate(ctx context.Context) {
	defer l.wg.Done()
	gen, err := newLiveGenerator(ctx, l.s)
	if err != nil {
		if ctx.Err() == nil {
			l.s.log.Error("sandbox live event generator failed to start", "error", err)
		}
		return
	}
	l.s.log.Info("sandbox live event generator started", "interval", l.s.cfg.EventInterval)
	defer l.s.log.Info("sandbox live event generator stopped")

	ticker := time.NewTicker(l.s.cfg.EventInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		ev, err := gen.next(ctx)
		if err == nil {
			err = l.publish(ctx, ev)
		}
		if err != nil && ctx.Err() == nil {
			l.s.log.Error("sandbox live event failed", "error", err)
		}
	}
}

// publish stores an event and sends it to every matching websocket and
// active trigger subscription.
func (l *live) publish(ctx context.Context, ev cognism.Event) error {
	data, err := marshalText(ev)
	if err != nil {
		return err
	}
	_, err = l.s.db.ExecContext(ctx, insertEventSQL, string(ev.ID), int64(ev.At), fold(string(ev.Type)), fold(ev.Org), data)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return &badRequest{fmt.Sprintf("invalid id %q: an event with this id is already stored; leave id out to get a new one", ev.ID)}
	}
	if err != nil {
		return fmt.Errorf("storing event %s: %w", ev.ID, err)
	}

	fields := eventFields(data)
	l.mu.Lock()
	var targets []*wsSession
	for _, sess := range l.sessions {
		if sess.filter.matches(fields) {
			targets = append(targets, sess)
		}
	}
	var subs []cognism.Subscription
	for _, a := range l.subs {
		if !l.stopped && a.filter.matches(fields) {
			subs = append(subs, a.sub)
		}
	}
	// Deliveries join the wait group under the lock, so that stop, which
	// sets stopped under it, waits for every delivery it lets start.
	l.wg.Add(len(subs))
	l.mu.Unlock()

	for _, sess := range targets {
		sess.enqueue([]byte(data))
	}
	for _, sub := range subs {
		go l.deliver(sub, []byte(data))
	}
	return nil
}

// liveGenerator builds live events about random seeded people.
type liveGenerator struct {
	s        *Server
	gen      *generator
	maxRowID int64
}

func newLiveGenerator(ctx context.Context, s *Server) (*liveGenerator, error) {
	g := &generator{f: gofakeit.NewFaker(rand.NewPCG(rand.Uint64(), rand.Uint64()), false)}
	for _, c := range s.companies.list {
		g.addCompany(c, 1)
	}
	lg := &liveGenerator{s: s, gen: g}
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(rowid), 0) FROM people").Scan(&lg.maxRowID)
	if err != nil {
		return nil, err
	}
	if lg.maxRowID == 0 || len(g.companies) == 0 {
		return nil, errors.New("the database has no people or companies to build events from")
	}
	return lg, nil
}

// next builds one event of a random type about a random person, dated now.
func (lg *liveGenerator) next(ctx context.Context) (cognism.Event, error) {
	var data string
	rowID := 1 + int64(lg.gen.f.Rand.Uint64()%uint64(lg.maxRowID))
	err := lg.s.db.QueryRowContext(ctx, "SELECT data FROM people WHERE rowid >= ? ORDER BY rowid LIMIT 1", rowID).Scan(&data)
	if err != nil {
		return cognism.Event{}, fmt.Errorf("picking a person: %w", err)
	}
	var p cognism.Person
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return cognism.Event{}, err
	}
	sp := lg.seedPerson(p)
	kind := eventTypes[lg.gen.f.IntN(len(eventTypes))]
	return lg.gen.event(sp, kind.Type, time.Now().UTC()), nil
}

// seedPerson rebuilds what the event builder needs from a stored profile.
func (lg *liveGenerator) seedPerson(p cognism.Person) *seedPerson {
	sp := &seedPerson{UID: string(p.UID), Place: place{City: p.City, State: p.State, Country: p.Country, CC: p.CountryCode}}
	sp.First, sp.Last, _ = strings.Cut(p.FullName, " ")
	for _, pl := range places {
		if pl.City == p.City {
			sp.Place = pl
		}
	}
	if p.BirthDate != nil {
		sp.BirthYear = time.Unix(int64(*p.BirthDate), 0).UTC().Year()
	}
	sp.Current = lg.s.companies.byExactName(p.Current)
	if len(p.Experience) > 0 {
		sp.Title = p.Experience[0].Name
	}
	if len(p.Experience) > 1 {
		sp.OldTitle = p.Experience[1].Name
		sp.Previous = lg.s.companies.byExactName(p.Experience[1].Company)
	}
	if sp.Current == nil {
		sp.Current = lg.gen.pickCompany()
	}
	if sp.Previous == nil {
		sp.Previous = lg.gen.pickOtherCompany(sp.Current)
	}
	return sp
}

// handleInjectEvent serves POST /_sandbox/events: the Event JSON in the
// body is completed (id, at, date and typeName when missing), stored and
// published like a generated event, and returned.
func (s *Server) handleInjectEvent(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body failed: "+err.Error())
		return
	}
	var ev cognism.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		writeError(w, http.StatusNotAcceptable, "body is not Event JSON: expected an object such as "+
			`{"type": "job-join", "org": "IBM", "employee": {"name": "Ada Byron"}}`+": "+err.Error())
		return
	}
	if ev.Type == "" {
		writeError(w, http.StatusBadRequest, "missing type: expected one of job-join, job-leave, job-move, "+
			"location-move, person-mention, quote, 310, 330")
		return
	}
	stored, err := s.InjectEvent(r.Context(), ev)
	var bad *badRequest
	if errors.As(err, &bad) {
		writeError(w, http.StatusBadRequest, bad.msg)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stored)
}

// InjectEvent stores ev now and sends it to the matching websockets and
// active trigger subscriptions, as POST /_sandbox/events does. The id, at,
// date, typeName and meta are filled in when missing, and the stored event
// is returned. An id that is already stored is an error.
func (s *Server) InjectEvent(ctx context.Context, ev cognism.Event) (cognism.Event, error) {
	if ev.Type == "" {
		return ev, errors.New("sandbox: injected event needs a type")
	}
	completeEvent(&ev, time.Now().UTC())
	return ev, s.live.publish(ctx, ev)
}

// completeEvent fills the fields a stored event always has.
func completeEvent(ev *cognism.Event, now time.Time) {
	if ev.ID == "" {
		ev.ID = cognism.FlexString(uuid.NewString())
	}
	if ev.At == 0 {
		ev.At = cognism.FlexInt(now.UnixMilli())
	}
	at := time.UnixMilli(int64(ev.At)).UTC()
	if ev.Date == "" {
		ev.Date = cognism.FormatDate(at)
	}
	if ev.TypeName == "" {
		ev.TypeName = typeName(string(ev.Type))
	}
	if ev.Meta == nil {
		ev.Meta = &cognism.EventMeta{DateCreated: at.Format("2006-01-02T15:04:05.000000")}
	}
}

// generating reports whether the generator runs.
func (l *live) generating() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.genCancel != nil
}
