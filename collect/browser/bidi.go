package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/coder/websocket"
)

// bidiConn is the small part of WebDriver BiDi corsdoctor speaks with
// Firefox (https://w3c.github.io/webdriver-bidi/): commands with ids,
// their results, and events. It is written over
// github.com/coder/websocket because no maintained Go BiDi client exists
// (the Go WebDriver clients speak the classic protocol, and chromedp speaks
// CDP only); the subset is session.new, session.subscribe,
// browsingContext.create/navigate and script.evaluate, plus the
// log.entryAdded event.
type bidiConn struct {
	ws *websocket.Conn

	mu      sync.Mutex
	next    int
	pending map[int]chan bidiMessage
	err     error
	done    chan struct{}

	// onEvent runs on the read loop for every event; it must not block.
	onEvent func(method string, params json.RawMessage)
}

// bidiMessage is a command result, an error or an event.
type bidiMessage struct {
	ID      *int            `json:"id"`
	Type    string          `json:"type"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// BiDiError is an error answer to a BiDi command.
type BiDiError struct {
	Method, Code, Message string
}

func (e *BiDiError) Error() string {
	return fmt.Sprintf("webdriver bidi %s: %s: %s", e.Method, e.Code, e.Message)
}

// maxBiDiMessage bounds one message from the browser.
const maxBiDiMessage = 64 << 20

func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidiConn, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("webdriver bidi: connect %s: %w", url, err)
	}
	ws.SetReadLimit(maxBiDiMessage)
	c := &bidiConn{ws: ws, pending: map[int]chan bidiMessage{}, done: make(chan struct{}), onEvent: onEvent}
	go c.read()
	return c, nil
}

func (c *bidiConn) read() {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		var m bidiMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if m.Type == "event" {
			if c.onEvent != nil {
				c.onEvent(m.Method, m.Params)
			}
			continue
		}
		if m.ID == nil {
			continue
		}
		c.mu.Lock()
		ch := c.pending[*m.ID]
		delete(c.pending, *m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// call sends a command and decodes its result into result (when non-nil).
func (c *bidiConn) call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return fmt.Errorf("webdriver bidi %s: connection closed: %w", method, err)
	}
	c.next++
	id := c.next
	ch := make(chan bidiMessage, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	data, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("webdriver bidi %s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("webdriver bidi %s: connection closed", method)
		}
		if m.Type == "error" || m.Error != "" {
			return &BiDiError{Method: method, Code: m.Error, Message: m.Message}
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("webdriver bidi %s: %w", method, ctx.Err())
	}
}

func (c *bidiConn) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
	<-c.done
}

// errBiDiClosed reports a connection the browser closed.
var errBiDiClosed = errors.New("webdriver bidi: connection closed")
