package auth

import (
	"context"
	"strconv"
	"strings"
)

// Wording says auth's words for people in the user's language: the pages
// the loopback listener answers the browser with after a sign-in
// (approved, declined, failed, not this sign-in). Their message IDs are
// ui/words' (Words.Page); the layers that speak the user's language
// (ui/words) give the translation. The zero Wording is English.
type Wording struct {
	// Lang is the language L translates to, a BCP 47 tag ("fr"): the
	// pages' <html lang> and Content-Language. Empty: not said.
	Lang string
	// L translates a message ID (the English, with text/template fields)
	// filled with its fields, as ui/words.L does. Nil: English.
	L func(id string, data ...any) string
}

// English is the Wording that says auth's words in English: their
// message IDs as they are.
var English = Wording{Lang: "en"}

type wordingKey struct{}

// WithWording returns ctx carrying w: the pages of a Connect run under it
// (its loopback listener's answers to the browser) are in w's language.
func WithWording(ctx context.Context, w Wording) context.Context {
	return context.WithValue(ctx, wordingKey{}, w)
}

// wordingOf is the Wording ctx carries, or English.
func wordingOf(ctx context.Context) Wording {
	if w, ok := ctx.Value(wordingKey{}).(Wording); ok && w.L != nil {
		return w
	}
	return English
}

// say is the message ID id in w's language.
func (w Wording) say(id string) string {
	if w.L == nil {
		return id
	}
	if s := w.L(id); s != "" {
		return s
	}
	return id
}

// tag is w.Lang if it is a language tag (letters, digits and hyphens),
// else "".
func (w Wording) tag() string {
	if w.L == nil {
		return English.Lang
	}
	l := w.Lang
	if l == "" || len(l) > 35 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return ""
	}
	return l
}

// Page is which page the loopback listener answers the browser with.
// The pages reflect nothing of the request.
type Page int

const (
	// PageApproved: the code came back; Tokentray has it.
	PageApproved Page = iota + 1
	// PageNotThisSignIn: a link with another attempt's state, or none.
	PageNotThisSignIn
	// PageDeclined: the user said no on the provider's consent page.
	PageDeclined
	// PageFailed: the provider redirected back with another error.
	PageFailed
)

var pageNames = [...]string{"", "approved", "not this sign-in", "declined", "failed"}

func (p Page) String() string {
	if p > 0 && int(p) < len(pageNames) {
		return pageNames[p]
	}
	return "page(" + strconv.Itoa(int(p)) + ")"
}

// failedPage is the page for an error the provider redirected back with.
func failedPage(k Kind) Page {
	if k == KindDeclined {
		return PageDeclined
	}
	return PageFailed
}

// page is p in w's language.
func (w Wording) page(p Page) page {
	title, body := said().Page(p)
	return page{Lang: w.tag(), Title: w.say(title), Body: w.say(body)}
}
