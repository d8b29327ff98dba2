// This file defines the guard in front of the JSON-RPC connection: a frame
// with a correct Content-Length but a body the connection cannot decode (not
// JSON, an id that is neither a string nor an integer, a method that is not a
// string) is answered with a JSON-RPC error and logged, and the server reads
// on. Left to the connection, one such frame ends the read loop and the server.

package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// frameStream is the raw-frame side of the library's header stream: the
// connection reads bodies through ReadFrame when the stream offers it.
type frameStream interface {
	ReadFrame(ctx context.Context) ([]byte, int64, error)
	WriteFrame(ctx context.Context, data []byte) (int64, error)
}

// guardedStream is a stream whose frames are checked before the connection sees them.
type guardedStream struct {
	jsonrpc2.Stream
	frames frameStream
	log    *zap.Logger
}

// guardStream wraps stream when it exposes raw frames (the header and NDJSON
// streams do); any other stream is returned as it is.
func guardStream(stream jsonrpc2.Stream, log *zap.Logger) jsonrpc2.Stream {
	fs, ok := stream.(frameStream)
	if !ok {
		return stream
	}
	return &guardedStream{Stream: stream, frames: fs, log: log}
}

// ReadFrame returns the next frame the connection can decode, answering (or,
// for a malformed response, dropping) every frame before it that it cannot.
func (g *guardedStream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	for {
		body, n, err := g.frames.ReadFrame(ctx)
		var reply []byte
		bad := false
		switch {
		case errors.Is(err, jsonrpc2.ErrInvalidHeader):
			// A header block without a usable length (Content-Length: 0, a
			// malformed line): what follows is read as the next header, which
			// resynchronises on the client's next frame.
			reply, bad = errorFrame(nil, jsonrpc2.ParseError, "parse error: invalid message header"), true
		case err != nil:
			return body, n, err
		default:
			reply, bad = checkFrame(body)
		}
		if !bad {
			return body, n, nil
		}
		g.log.Warn("malformed JSON-RPC frame", zap.Int("bytes", len(body)), zap.ByteString("start", body[:min(len(body), 120)]),
			zap.Bool("answered", reply != nil))
		if reply == nil {
			continue
		}
		if _, err := g.frames.WriteFrame(ctx, reply); err != nil {
			return nil, 0, err
		}
	}
}

// WriteFrame writes an encoded body as one frame.
func (g *guardedStream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	return g.frames.WriteFrame(ctx, data)
}

// checkFrame reports whether the connection would fail to decode body and, if
// so, the error response to send (nil for a malformed response from the client,
// which has no one to answer). The library's own decoders are the oracle, so
// the guard never disagrees with the connection about what it accepts.
func checkFrame(body []byte) (reply []byte, bad bool) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if _, err := jsonrpc2.ParseRequests(body); err == nil {
			return nil, false
		}
		if !json.Valid(body) {
			return errorFrame(nil, jsonrpc2.ParseError, "parse error: the batch is not JSON"), true
		}
		return errorFrame(nil, jsonrpc2.InvalidRequest, "invalid request: malformed batch"), true
	}
	if _, err := jsonrpc2.DecodeMessage(body); err == nil {
		return nil, false
	}
	if !json.Valid(body) {
		return errorFrame(nil, jsonrpc2.ParseError, "parse error: the message is not JSON"), true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return errorFrame(nil, jsonrpc2.InvalidRequest, "invalid request: the message is not a JSON object"), true
	}
	_, hasMethod := m["method"]
	_, hasResult := m["result"]
	_, hasError := m["error"]
	if !hasMethod && (hasResult || hasError) {
		return nil, true // a malformed response: nobody to answer
	}
	return errorFrame(requestID(m["id"]), jsonrpc2.InvalidRequest,
		"invalid request: want jsonrpc \"2.0\", a string method and an id that is a string, an integer or absent"), true
}

// requestID returns the id to answer with: the request's own when it is a
// string or an integer, else JSON null (the id could not be determined).
func requestID(raw json.RawMessage) json.RawMessage {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return raw
	}
	if _, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err == nil {
		return raw
	}
	return nil
}

// errorFrame encodes a JSON-RPC error response.
func errorFrame(id json.RawMessage, code jsonrpc2.Code, msg string) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	out, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: code, Message: msg}})
	return out
}
