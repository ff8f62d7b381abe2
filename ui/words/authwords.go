package words

import "github.com/tokentray/tokentray/auth"

// auth holds no sentence for people; it asks ui/words for the words of
// what outlives its call (auth.Words): a program that links ui/words in
// (the tray app, the command line) has them.
func init() { auth.SetWords(authWords{}) }

// authWords is auth.Words: the sentences here.
type authWords struct{}

// Explain is ExplainWords.
func (authWords) Explain(err error) (string, map[string]any, bool) { return ExplainWords(err) }

// Message is err's sentence in English: its outermost words (English),
// else a refused paste's, else the general sentence.
func (authWords) Message(err error) string {
	if s, ok := English(err); ok {
		return s
	}
	if id, ok := pasteWords(err); ok {
		return id
	}
	return unexplained.String()
}

// Page is pageWords.
func (authWords) Page(p auth.Page) (string, string) { return pageWords(p) }
