package pb_hooks

import (
	"context"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/engine"
)

type ctxKey int

const (
	// systemWrite marks a save made by Teduh itself (workflow fields).
	systemWrite ctxKey = iota
	// publicIntake marks a complaint submitted through the public form.
	publicIntake
	// stepApplied marks a system step record whose effect on the case was
	// already decided by the engine and written with the case (step 1).
	stepApplied
)

func withMarker(ctx context.Context, key ctxKey) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, key, true)
}

func hasMarker(ctx context.Context, key ctxKey) bool {
	if ctx == nil {
		return false
	}
	v, _ := ctx.Value(key).(bool)
	return v
}

// inTx runs fn inside a transaction that also covers the record's own write
// (e.Next() inside fn uses the transaction). PocketBase serialises writes on
// one connection, so what fn reads cannot change before it commits. e.App is
// restored afterwards so after-commit hooks see the normal app.
func inTx(e *core.RecordEvent, fn func(txApp core.App) error) error {
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp)
	})
}

// fieldErrors turns engine field errors into PocketBase's field-keyed errors.
// Keys like "data.destination" become nested objects.
func fieldErrors(in map[string]*engine.FieldError) validation.Errors {
	out := validation.Errors{}
	for key, fe := range in {
		verr := validation.NewError(fe.Code, fe.Message)
		if parent, child, ok := cut(key, '.'); ok {
			nested, _ := out[parent].(validation.Errors)
			if nested == nil {
				nested = validation.Errors{}
			}
			nested[child] = verr
			out[parent] = nested
			continue
		}
		out[key] = verr
	}
	return out
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// badRequest is a 400 with a Bahasa Indonesia message and field errors.
func badRequest(message string, fields map[string]*engine.FieldError) *router.ApiError {
	if message == "" {
		message = "Data belum lengkap atau tidak valid. Periksa isian yang ditandai."
	}
	return router.NewApiError(http.StatusBadRequest, message, fieldErrors(fields))
}

// refusalError converts an engine refusal into an API error.
func refusalError(r *engine.Refusal) *router.ApiError {
	return router.NewApiError(r.Status, r.Message, fieldErrors(r.Fields))
}
