package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// operation is one operation that a connection runs.
type operation struct {
	id string
	// quotedID is id as a JSON string.
	quotedID []byte
	// next is the start of its next (or data) messages, up to the payload.
	next []byte
	// shared marks a subscription, whose responses other subscribers may
	// share.
	shared bool
	cancel context.CancelFunc
	// stopped records that the client sent complete or stop. It is set
	// under c.mu and read without it on every delivery.
	stopped atomic.Bool
}

// errOperationExists and errTooManyOperations reject a subscribe message.
var (
	errOperationExists   = errors.New("operation id already in use")
	errTooManyOperations = errors.New("too many operations on the connection")
)

// register reserves id for a new operation. Operations the client stopped
// keep their id until they end, but no longer count against MaxOperations.
func (c *socket) register(id string) (*operation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.active[id]; ok {
		return nil, errOperationExists
	}
	if len(c.active)-c.stopping >= c.cfg.MaxOperations {
		return nil, errTooManyOperations
	}

	quoted, _ := json.Marshal(id)
	kind := "data"
	if c.protocol == ProtocolTransportWS {
		kind = "next"
	}
	next := make([]byte, 0, len(quoted)+32)
	next = append(next, `{"id":`...)
	next = append(next, quoted...)
	next = append(next, `,"type":"`+kind+`","payload":`...)

	op := &operation{id: id, quotedID: quoted, next: next}
	c.active[id] = op
	return op, nil
}

// release frees the id of an operation that has ended.
func (c *socket) release(op *operation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active[op.id] != op {
		return
	}
	delete(c.active, op.id)
	if op.stopped.Load() {
		c.stopping--
	}
}

// start parses and validates the operation and runs it on a goroutine of
// its own. A document that fails to parse or validate, or exceeds a limit,
// ends the operation with an error message. Any other error found before
// the operation runs gets a next message with the errors, then complete.
func (c *socket) start(op *operation, payload json.RawMessage) {
	readStart := graphql.Now()
	ctx := graphql.StartOperationTrace(c.ctx)

	params := &graphql.RawParams{}
	decoder := json.NewDecoder(bytes.NewReader(payload))
	decoder.UseNumber()
	if err := decoder.Decode(params); err != nil {
		c.endWithErrors(op, gqlerror.List{{Message: "invalid operation payload: " + err.Error()}})
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: readStart, End: graphql.Now()}

	opCtx, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			c.endWithErrors(op, resp.Errors)
			return
		}
		c.release(op)
		c.sendResponse(op, resp)
		c.complete(op)
		return
	}

	op.shared = opCtx.Operation.Operation == ast.Subscription
	ctx, op.cancel = context.WithCancel(graphql.WithOperationContext(ctx, opCtx))
	go c.run(ctx, op, opCtx)
}

// run sends each response of the operation and then complete, unless the
// connection has ended. A panic ends the operation with an error message.
func (c *socket) run(ctx context.Context, op *operation, opCtx *graphql.OperationContext) {
	defer op.cancel()
	defer func() {
		if p := recover(); p != nil {
			c.endWithErrors(op, gqlerror.List{recoveredError(opCtx.Recover(ctx, p))})
			return
		}
		c.release(op)
		if c.ctx.Err() == nil {
			c.complete(op)
		}
	}()

	responses, ctx := c.exec.DispatchOperation(ctx, opCtx)
	for {
		resp := responses(ctx)
		if resp == nil {
			return
		}
		c.sendResponse(op, resp)
	}
}

func recoveredError(err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) {
		return gqlErr
	}
	gqlErr = &gqlerror.Error{Message: "internal server error"}
	if err != nil {
		gqlErr.Message = err.Error()
	}
	return gqlErr
}

// sendResponse sends resp in a next message (data on the legacy protocol),
// unless the client stopped the operation.
func (c *socket) sendResponse(op *operation, resp *graphql.Response) {
	if op.stopped.Load() {
		return
	}
	payload, err := c.encodings.encode(resp, op.shared)
	if err != nil {
		c.cfg.Logger.Error("encoding a websocket response failed", "error", err, "remote", c.remote)
		return
	}
	_ = c.writeParts(op.next, payload, messageEnd)
}

// complete sends the complete message of an operation the server ended.
// graphql-transport-ws sends none for an operation the client completed.
func (c *socket) complete(op *operation) {
	if c.protocol == ProtocolTransportWS && op.stopped.Load() {
		return
	}
	_ = c.writeParts([]byte(`{"id":`), op.quotedID, []byte(`,"type":"complete"}`))
}

// endWithErrors ends the operation with an error message carrying errs.
// The legacy protocol gets complete after it as well; graphql-transport-ws
// ends an operation with either message but not both.
func (c *socket) endWithErrors(op *operation, errs gqlerror.List) {
	c.release(op)
	payload, err := json.Marshal(errs)
	if err != nil {
		c.cfg.Logger.Error("encoding a websocket error failed", "error", err, "remote", c.remote)
		payload = []byte(`[{"message":"internal server error"}]`)
	}
	start := append(append([]byte(`{"id":`), op.quotedID...), `,"type":"error","payload":`...)
	_ = c.writeParts(start, payload, messageEnd)
	if c.protocol != ProtocolTransportWS {
		c.complete(op)
	}
}
