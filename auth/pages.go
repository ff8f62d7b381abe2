package auth

import (
	"context"
	"strings"
)

// Wording says auth's words for people in the user's language: the pages
// the loopback listener answers the browser with after a sign-in
// (approved, declined, failed, not this sign-in). auth has the English
// text; the layers that speak the user's language (ui/words) give the
// translation. The zero Wording is English.
type Wording struct {
	// Lang is the language L translates to, a BCP 47 tag ("fr"): the
	// pages' <html lang> and Content-Language. Empty: not said.
	Lang string
	// L translates a message ID (the English, with text/template fields)
	// filled with its fields, as ui/words.L does. Nil: English.
	L func(id string, data ...any) string
}

// English is the Wording that says auth's words as they are.
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

// say is p in w's language.
func (w Wording) say(p Phrase) string {
	if w.L == nil {
		return p.String()
	}
	if s := w.L(p.Words()); s != "" {
		return s
	}
	return p.String()
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

// pageText is a loopback page's words, as message IDs.
type pageText struct{ Title, Body Phrase }

// The loopback pages' words. They reflect nothing of the request.
var (
	textApproved = pageText{Phrase{ID: "Approved"},
		Phrase{ID: "Tokentray received your approval. You can close this tab and go back to Tokentray."}}
	textNotThisSignIn = pageText{Phrase{ID: "This link is not for Tokentray's current sign-in"},
		Phrase{ID: "It may be from an older attempt. Go back to Tokentray and choose Connect again if it is still waiting."}}
	textDeclined = pageText{Phrase{ID: "Not connected"},
		Phrase{ID: "You declined access, so nothing was connected. You can close this tab."}}
	textFailed = pageText{Phrase{ID: "Not connected"},
		Phrase{ID: "The provider reported a problem. You can close this tab; Tokentray explains what to do next."}}
)

// failedText is the words of the page for an error the provider
// redirected back with.
func failedText(k Kind) pageText {
	if k == KindDeclined {
		return textDeclined
	}
	return textFailed
}

// page is t in w's language.
func (w Wording) page(t pageText) page {
	return page{Lang: w.tag(), Title: w.say(t.Title), Body: w.say(t.Body)}
}
