package store

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"text/template"
)

// Problem is what last went wrong with an account, kept as words to be said
// when they are shown, in the reader's language (ui/words translates them):
// a message ID — the English sentence, with text/template fields — the
// values of its fields, and the kind of failure, for programs. It holds
// names, numbers and folders, never a token or a secret.
type Problem struct {
	// Kind names what happened, for programs: one of auth's kinds
	// ("transient", "reconnect needed", "misconfigured", …), "keyring",
	// "storage", "linked file"; "unknown" when nothing more is known.
	Kind string `json:"kind,omitempty"`
	// ID is the message ID.
	ID string `json:"id"`
	// Fields are the values of ID's fields, as text.
	Fields map[string]string `json:"fields,omitempty"`
	// Phrases are ID's fields that are words themselves (the reason inside
	// a sentence), translated with it.
	Phrases map[string]Problem `json:"phrases,omitempty"`
}

// NewProblem is the problem of the given kind that says id, its fields
// filled with data (a message ID and its fields, as a Words method gives
// them): a field that words itself (has a Words method) is kept as a
// phrase, any other as its text.
func NewProblem(kind, id string, data map[string]any) Problem {
	p := Problem{Kind: kind, ID: id}
	for k, v := range data {
		if w, ok := v.(interface {
			Words() (string, map[string]any)
		}); ok {
			if p.Phrases == nil {
				p.Phrases = map[string]Problem{}
			}
			pid, pdata := w.Words()
			p.Phrases[k] = NewProblem("", pid, pdata)
			continue
		}
		if p.Fields == nil {
			p.Fields = map[string]string{}
		}
		p.Fields[k] = fmt.Sprint(v)
	}
	return p
}

// Words is the problem as a message ID and its fields' values (a phrase
// as a Problem, which words itself), for a translation (ui/words).
func (p Problem) Words() (string, map[string]any) {
	if len(p.Fields)+len(p.Phrases) == 0 {
		return p.ID, nil
	}
	data := make(map[string]any, len(p.Fields)+len(p.Phrases))
	for k, v := range p.Fields {
		data[k] = v
	}
	for k, v := range p.Phrases {
		data[k] = v
	}
	return p.ID, data
}

// String is the problem in English: its message ID with its fields
// filled in (a phrase said in English too).
func (p Problem) String() string { return render(p.Words()) }

// render fills in a message ID's fields: the English sentence, or the ID
// as it is when they do not fit it.
func render(id string, data map[string]any) string {
	if len(data) == 0 {
		return id
	}
	t, err := template.New("").Option("missingkey=error").Parse(id)
	if err != nil {
		return id
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return id
	}
	return b.String()
}

// IsZero reports whether p says nothing: there is no problem.
func (p Problem) IsZero() bool {
	return p.ID == "" && p.Kind == "" && len(p.Fields)+len(p.Phrases) == 0
}

// clone is p with maps of its own: the store hands out and caches values,
// never maps shared with a caller.
func (p Problem) clone() Problem {
	p.Fields = maps.Clone(p.Fields)
	if p.Phrases != nil {
		phrases := make(map[string]Problem, len(p.Phrases))
		for k, v := range p.Phrases {
			phrases[k] = v.clone()
		}
		p.Phrases = phrases
	}
	return p
}

// equal reports whether p and o say the same.
func (p Problem) equal(o Problem) bool {
	return p.Kind == o.Kind && p.ID == o.ID && maps.Equal(p.Fields, o.Fields) &&
		(len(p.Phrases)+len(o.Phrases) == 0 || reflect.DeepEqual(p.Phrases, o.Phrases))
}
