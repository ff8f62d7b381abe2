package words_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// scanned are the packages whose words people read, from here.
var scanned = []string{"../tray", "../cli", "../cli/tokentray", "../cli/wincon", "../accounts", "../gateway", "../policy", "../system", "."}

// notWords are literals that may go to people as they are: names, signs.
// Keep it tiny; anything a person reads as language is translated.
var notWords = map[string]bool{
	"Tokentray": true, "tokentray": true, "tokentray:": true, "·": true, "—": true,
	"Authorization: Bearer ": true, // the HTTP header token --format header prints
}

// sinkFuncs are package functions whose string arguments are shown.
var sinkFuncs = map[string]map[string]bool{
	"widget": {"NewLabel": true, "NewLabelWithStyle": true, "NewButton": true, "NewButtonWithIcon": true,
		"NewCheck": true, "NewHyperlink": true, "NewFormItem": true, "NewRichTextFromMarkdown": true,
		"NewCard": true, "NewAccordionItem": true, "NewTextGridFromString": true},
	"fyne": {"NewMenuItem": true, "NewMenu": true, "NewNotification": true},
	"fmt":  {"Fprint": true, "Fprintf": true, "Fprintln": true, "Print": true, "Printf": true, "Println": true},
}

// sinkMethods are methods (of any receiver) whose string arguments are
// shown, and the local helpers that word a message.
var sinkMethods = map[string]bool{
	"SetText": true, "SetPlaceHolder": true, "SetTitle": true, "NewWindow": true, "SendNotification": true,
	"WriteString": true,
	// ui/tray's own: the status line, the connect dialog's last step, a
	// dialog's title.
	"setStatusLine": true, "result": true, "loadingDialog": true, "newConnectDialog": true,
}
var sinkLocal = map[string]bool{"badUsage": true, "badProfile": true, "check": true,
	// ui/tray's keyboard wrappers of Fyne's widgets (keys.go).
	"newButton": true, "newButtonWithIcon": true, "newCheck": true}

// wordsHere is ui/words itself, which holds the words of auth's, the
// store's and the keeper's errors, pages and redirects (those packages
// hold none: testdata/checkdeps/sentences.sh): the string literals its
// Words functions return (errorWords, pasteWords, pageWords,
// RedirectWords…) are IDs, translated by Explain and L.
var wordsHere = []string{"."}

// messageMethods are methods that return a sentence for people: what they
// return or assign is checked too.
var messageMethods = map[string]bool{"Message": true, "Summary": true, "clioWhere": true}

var (
	verbs    = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)
	actions  = regexp.MustCompile(`\{\{[^}]*\}\}`)
	urls     = regexp.MustCompile(`https?://\S*`)
	flags    = regexp.MustCompile(`--[a-z][a-z-]*`) // a command-line flag's name
	fieldsRe = regexp.MustCompile(`\{\{\s*\.(\w+)`)
)

// wordy: the literal holds words once format verbs, template actions and
// addresses and command-line flags are set aside.
func wordy(s string) bool {
	if notWords[s] || notWords[strings.TrimSpace(s)] {
		return false
	}
	s = strings.TrimPrefix(s, "tokentray: ") // the command's name, before its message
	s = urls.ReplaceAllString(actions.ReplaceAllString(verbs.ReplaceAllString(s, ""), ""), "")
	s = flags.ReplaceAllString(s, "")
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

type use struct {
	id  string
	pos string
}

// scan returns the literal IDs given to lang.L/X/N/words.L and the shown
// literals that are not.
func scan(t *testing.T) (ids []use, bare []string) {
	t.Helper()
	fset := token.NewFileSet()
	sources(t, fset, scanned, func(f *ast.File) {
		where := func(n ast.Node) string {
			p := fset.Position(n.Pos())
			rel, _ := filepath.Rel("..", p.Filename)
			return fmt.Sprintf("ui/%s:%d", filepath.ToSlash(rel), p.Line)
		}
		report := func(e ast.Expr, sink string) {
			for _, lit := range literals(e) {
				s, _ := strconv.Unquote(lit.Value)
				if wordy(s) {
					bare = append(bare, fmt.Sprintf("%s: %q is shown as it is (%s): wrap it in lang.L(…) "+
						"(words.L outside ui/tray), with {{.Field}} for the parts that vary, "+
						"and add it to ui/words/translations/*.json", where(lit), s, sink))
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Recv != nil && messageMethods[n.Name.Name] && n.Body != nil {
					ast.Inspect(n.Body, func(m ast.Node) bool {
						switch m := m.(type) {
						case *ast.ReturnStmt:
							for _, r := range m.Results {
								report(r, n.Name.Name+" returns it")
							}
						case *ast.AssignStmt:
							for _, r := range m.Rhs {
								report(r, "assigned in "+n.Name.Name)
							}
						}
						return true
					})
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "PlaceHolder" && i < len(n.Rhs) {
						report(n.Rhs[i], "PlaceHolder")
					}
				}
			case *ast.CallExpr:
				pkg, name := callee(n)
				switch {
				case (pkg == "lang" && (name == "L" || name == "N" || name == "X" || name == "XN")) ||
					(pkg == "words" && (name == "L" || name == "Mark")) || (pkg == "" && name == "L" && f.Name.Name == "words"):
					if len(n.Args) > 0 {
						if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							id, _ := strconv.Unquote(lit.Value)
							ids = append(ids, use{id, where(lit)})
						} else if c, ok := n.Args[0].(*ast.BinaryExpr); ok {
							// "a " + "b": one literal split over lines.
							if id, ok := constString(c); ok {
								ids = append(ids, use{id, where(c)})
							} else {
								bare = append(bare, where(c)+": the ID given to "+name+" is built from variables: "+
									"give it one literal, with {{.Field}} for the parts that vary")
							}
						}
					}
					return false
				case pkg != "" && sinkFuncs[pkg][name],
					pkg == "dialog" && (strings.HasPrefix(name, "Show") || strings.HasPrefix(name, "New")),
					pkg == "" && sinkLocal[name],
					pkg == "." && sinkMethods[name]:
					sink := pkg + "." + name
					if pkg == "" || pkg == "." {
						sink = name
					}
					for _, a := range n.Args {
						report(a, sink)
					}
				}
			}
			return true
		})
	})
	root, _ := filepath.Abs("../..")
	at := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		abs, _ := filepath.Abs(p.Filename)
		rel, _ := filepath.Rel(root, abs)
		return fmt.Sprintf("%s:%d", filepath.ToSlash(rel), p.Line)
	}
	sources(t, fset, wordsHere, func(f *ast.File) {
		// What a Words function (errorWords, pasteWords, pageWords,
		// RedirectWords…) returns as a string literal is an ID.
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !strings.HasSuffix(fn.Name.Name, "Words") {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if r, ok := n.(*ast.ReturnStmt); ok {
					for _, res := range r.Results {
						if id, ok := constString(res); ok && id != "" {
							ids = append(ids, use{id, at(r)})
						}
					}
				}
				return true
			})
		}
	})
	sources(t, fset, scanned, func(f *ast.File) {
		// So is a Phrase's ID, wherever one is made.
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || len(lit.Elts) == 0 {
				return true
			}
			switch typ := lit.Type.(type) {
			case *ast.Ident: // Phrase{…} in ui/words
				if typ.Name != "Phrase" {
					return true
				}
			case *ast.SelectorExpr: // words.Phrase{…} elsewhere
				if typ.Sel.Name != "Phrase" {
					return true
				}
			default:
				return true
			}
			first := lit.Elts[0]
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					first = nil
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
						first = kv.Value
						break
					}
				}
			}
			if first == nil {
				return true
			}
			if id, ok := constString(first); ok && id != "" {
				ids = append(ids, use{id, at(lit)})
			} else {
				bare = append(bare, at(lit)+": a Phrase's ID is built from variables: give it one literal, with {{.Field}} for the parts that vary")
			}
			return true
		})
	})
	return ids, bare
}

// sources parses the non-test Go files of each folder in dirs and hands
// each to f.
func sources(t *testing.T, fset *token.FileSet, dirs []string, f func(*ast.File)) {
	t.Helper()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			f(file)
		}
	}
}

// callee is the called function's package (or "." for a method, "" for a
// local function) and name.
func callee(c *ast.CallExpr) (pkg, name string) {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return "", fn.Name
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Obj == nil && slices.Contains([]string{"widget", "dialog", "fyne", "fmt", "lang", "words"}, x.Name) {
			return x.Name, fn.Sel.Name
		}
		return ".", fn.Sel.Name
	}
	return "", ""
}

// literals are the string literals e is made of (through + and
// parentheses; a call's arguments are its own business).
func literals(e ast.Expr) []*ast.BasicLit {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return []*ast.BasicLit{e}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return append(literals(e.X), literals(e.Y)...)
		}
	case *ast.ParenExpr:
		return literals(e.X)
	}
	return nil
}

func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := constString(e.X)
			b, ok2 := constString(e.Y)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}

func loadFile(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := words.FS.ReadFile(words.Dir + "/" + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v (it is a flat object: English text → translation)", lang, err)
	}
	return m
}

func fieldSet(s string) []string {
	var out []string
	for _, m := range fieldsRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestEveryShownStringIsTranslated: no literal reaches people without
// lang.L or words.L; every ID is in every translation file, with the same
// {{.Fields}}; no file keeps a text nothing shows any more.
func TestEveryShownStringIsTranslated(t *testing.T) {
	ids, bare := scan(t)
	for _, b := range bare {
		t.Error(b)
	}
	used := map[string]bool{}
	for _, u := range ids {
		used[u.id] = true
	}
	for _, lang := range words.Languages {
		m := loadFile(t, lang)
		var missing []string
		seen := map[string]bool{}
		for _, u := range ids {
			tr, ok := m[u.id]
			switch {
			case !ok:
				if !seen[u.id] {
					missing = append(missing, fmt.Sprintf("  %q: %q,   // %s", u.id, "", u.pos))
				}
			case strings.TrimSpace(tr) == "":
				t.Errorf("%s: %s.json translates %q as nothing", u.pos, lang, u.id)
			case !slices.Equal(fieldSet(tr), fieldSet(u.id)):
				if !seen[u.id] {
					t.Errorf("%s: %s.json: %q has the fields %v, but its translation %q has %v: keep every {{.Field}} of the English",
						u.pos, lang, u.id, fieldSet(u.id), tr, fieldSet(tr))
				}
			}
			seen[u.id] = true
		}
		if len(missing) > 0 {
			t.Errorf("ui/words/translations/%s.json lacks %d texts the code shows; add them:\n%s",
				lang, len(missing), strings.Join(missing, "\n"))
		}
		for id := range m {
			if !used[id] {
				t.Errorf("ui/words/translations/%s.json: %q is not used by any lang.L/words.L call any more: remove it", lang, id)
			}
		}
	}
}

// TestNoEnglishInsideTheUsersWords: what people are told of an error,
// or of an account's last problem, goes through ui/words (words.Explain,
// words.Message, words.LastError, or a helper on them), never through
// the English auth keeps and logs (auth.Message) nor as the
// sentence an older Tokentray kept (store.Account.LastError), nor as a
// field of a translated message that is English (an error's Go text; an
// error or a phrase given to Fyne's lang.L, which translates no field):
// else a French user reads an English sentence inside a French one.
func TestNoEnglishInsideTheUsersWords(t *testing.T) {
	fset := token.NewFileSet()
	sources(t, fset, scanned, func(f *ast.File) {
		if f.Name.Name == "words" {
			return // the one place that turns them into the user's words
		}
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				// A field of that name written (status --json's) is not
				// the account's sentence read.
				for _, r := range n.Rhs {
					ast.Inspect(r, visit)
				}
				return false
			case *ast.CallExpr:
				for _, bad := range englishFields(n) {
					p := fset.Position(bad.Pos())
					t.Errorf("%s:%d: %s", p.Filename, p.Line, englishField(n, bad))
				}
			case *ast.SelectorExpr:
				x, _ := n.X.(*ast.Ident)
				p := fset.Position(n.Pos())
				switch {
				case x != nil && x.Name == "auth" && n.Sel.Name == "Message":
					t.Errorf("%s:%d: auth.%s is English: word the error with words.Explain or words.Message "+
						"(plainError in ui/tray)", p.Filename, p.Line, n.Sel.Name)
				case n.Sel.Name == "LastError" && (x == nil || x.Name != "words"):
					t.Errorf("%s:%d: an account's LastError is an older Tokentray's English sentence: "+
						"show words.LastError(account), which says its LastProblem in the user's language", p.Filename, p.Line)
				}
			}
			return true
		}
		ast.Inspect(f, visit)
	})
}

// englishFields are the fields of a translated message (lang.L, words.L)
// that put English inside it: an error's Go text (.Error(), where words.L
// says an error with words in the user's language); and for Fyne's
// lang.L, which translates no field, an error or a value that words
// itself (a Phrase, a Problem, a reason) given as it is.
func englishFields(c *ast.CallExpr) []ast.Expr {
	pkg, name := callee(c)
	if !(pkg == "lang" && name == "L") && !(pkg == "words" && name == "L") || len(c.Args) < 2 {
		return nil
	}
	m, ok := c.Args[1].(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var out []ast.Expr
	for _, e := range m.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch v := kv.Value.(type) {
		case *ast.CallExpr:
			if sel, ok := v.Fun.(*ast.SelectorExpr); ok && len(v.Args) == 0 && sel.Sel.Name == "Error" {
				out = append(out, v)
			}
		case *ast.Ident:
			if pkg == "lang" && (v.Name == "err" || strings.HasSuffix(v.Name, "Err")) {
				out = append(out, v)
			}
		case *ast.SelectorExpr:
			if pkg == "lang" && slices.Contains([]string{"Err", "EndWhere", "Reason", "LastProblem", "Said", "RedirectChoices"}, v.Sel.Name) {
				out = append(out, v)
			}
		case *ast.CompositeLit:
			if sel, ok := v.Type.(*ast.SelectorExpr); ok && pkg == "lang" && sel.Sel.Name == "Phrase" {
				out = append(out, v)
			}
		}
	}
	return out
}

func englishField(c *ast.CallExpr, bad ast.Expr) string {
	pkg, _ := callee(c)
	if call, ok := bad.(*ast.CallExpr); ok && call.Fun.(*ast.SelectorExpr).Sel.Name == "Error" {
		return fmt.Sprintf("a field of %s.L is %s(): English inside the user's words; give the error itself to words.L, "+
			"or word it with words.Message (plainError in ui/tray)", pkg, call.Fun.(*ast.SelectorExpr).Sel.Name)
	}
	return "a field of Fyne's lang.L is an error or words of their own, which it writes in English: " +
		"word an error with plainError, a phrase with words.L, a provider's name with words.ProviderName"
}

// TestErrorsReadInFrenchThroughout: every failure auth, the store and the
// keeper word — each auth.Error kind in each operation, the store's
// errors, a refused paste or redirect, a linked file not written, an error
// with no words — reads in French wherever the app shows it: as an
// error (words.Message: notifications, the events list, the connect
// dialog, disconnecting, the command line) and as an account's last
// problem as the keeper keeps it (keeper.ProblemOf, through the metadata
// file, then words.LastError: tokentray status, the window). No English
// sentence of any of them is left inside, and an account an older
// Tokentray left with an English sentence still says something.
func TestErrorsReadInFrenchThroughout(t *testing.T) {
	defer words.Use("en")
	var errs []error
	for kind := auth.KindUnknown; kind <= auth.KindTimeout; kind++ {
		for _, op := range []string{"", "connect", "exchange", "refresh", "identity", "revoke", "discover"} {
			errs = append(errs, &auth.Error{Kind: kind, Op: op, Err: errors.New("cause")},
				&auth.Error{Kind: kind, Op: op, Status: 503, Code: "server_error"},
				&auth.Error{Kind: kind, Op: op, Status: 200, Unreadable: true})
		}
	}
	_, badRedirect := auth.Provider{ID: "x", Name: "X"}.WithRedirect("http://example.com/cb")
	_, emptyRedirect := auth.Provider{ID: "x", Name: "X"}.WithRedirect("")
	errs = append(errs,
		&auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientID: &auth.ProviderName{ID: "clio-eu", Name: "Clio (Europe)"}},
		&auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientID: &auth.ProviderName{ID: "clio-us", Name: "Clio (United States)"}},
		&auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientSecret: &auth.ProviderName{ID: "clio-au", Name: "Clio (Australia)"}},
		&auth.Error{Kind: auth.KindPortBusy, Op: "connect", Port: 53111, Holder: "node"},
		&auth.Error{Kind: auth.KindPortBusy, Op: "connect", Port: 53111},
		&store.KeyringError{Op: "read key", Timeout: true},
		&store.KeyringError{Op: "read key", Err: errors.New("no bus")},
		&store.WriteError{Path: "/home/ada/.config/tokentray/state/a1.json", Err: errors.New("disk full")},
		&store.CorruptError{Path: "/home/ada/.config/tokentray/accounts.json", Backup: "/home/ada/.config/tokentray/accounts.json.corrupt"},
		&store.UnreadableError{Name: "a1", Err: errors.New("message authentication failed")},
		auth.ErrNotApproval, auth.ErrNotLanded, auth.ErrNoState, auth.ErrOtherAttempt,
		badRedirect, emptyRedirect,
		errors.New("no words of its own"),
	)
	for _, err := range slices.Clone(errs) {
		errs = append(errs, &keeper.LinkError{Err: err})
	}
	// What each says in English, and what its parts say: none of it may
	// be left inside the French.
	english := map[string]bool{}
	for _, err := range errs {
		english[auth.Message(err)] = true
		if inner := errors.Unwrap(err); inner != nil {
			english[auth.Message(inner)] = true
		}
	}
	accts := make([]store.Account, len(errs))
	words.Use("en")
	for i, err := range errs {
		// Through the metadata file, as tokentray status reads it.
		data, jerr := json.Marshal(store.Account{ID: "a1", LastProblem: keeper.ProblemOf(err)})
		if jerr != nil || json.Unmarshal(data, &accts[i]) != nil {
			t.Fatalf("%v: the account's problem does not travel: %v", err, jerr)
		}
		if accts[i].LastProblem.Kind == "" {
			t.Errorf("%v: kept with no kind", err)
		}
		en, kept := words.Message(err), words.LastError(accts[i])
		if kept != en || en != auth.Message(err) {
			t.Errorf("%v in English: kept as %q, said as %q, want what auth.Message says, %q", err, kept, en, auth.Message(err))
		}
	}
	// The names of Clio's regions, as the presets have them in English:
	// none may be left inside the French either ("Clio (United States)").
	var regions []string
	for _, r := range auth.ClioRegions() {
		if r.Label != "Canada" && r.Label != "Europe" { // the same in French
			regions = append(regions, r.Label)
		}
	}
	words.Use("fr")
	for i, err := range errs {
		d := map[string]any{"Name": "Cabinet Dupont"}
		said := map[string]string{"as an error": words.Message(err), "as the account's last problem": words.LastError(accts[i]),
			// The reason inside a sentence, as a notification says it
			// (ui/tray: “… needs to be reconnected: {{.Why}}”), given
			// as the sentence or as the error itself.
			"as the reason inside a notification": words.L("{{.Name}} needs to be reconnected: {{.Why}}", merge(d, "Why", words.Message(err))),
			"as an error inside a notification":   words.L("{{.Name}} needs to be reconnected: {{.Why}}", merge(d, "Why", err)),
		}
		for path, fr := range said {
			if fr == "" || english[fr] || strings.Contains(fr, "{{") {
				t.Errorf("%v %s: %q, not French", err, path, fr)
			}
			for e := range english {
				if strings.Contains(fr, e) {
					t.Errorf("%v %s in French: %q\nhas the English %q inside", err, path, fr, e)
				}
			}
			for _, r := range regions {
				if strings.Contains(fr, r) {
					t.Errorf("%v %s in French: %q\nnames the region %q in English", err, path, fr, r)
				}
			}
		}
	}
	// A failure whose sentence this Tokentray has no translation of — an
	// account's problem kept by a Tokentray of another version, an error
	// the running app of another version sent the command line — is said
	// by its kind in French, not in the English it came with; a
	// notification's reason too.
	reconnect := auth.Message(auth.ErrReconnectNeeded)
	const otherVersion = "This account's access was ended at the provider. Please reconnect it."
	for _, c := range []struct {
		what, said string
	}{
		{"a problem kept by another version", words.LastError(store.Account{LastProblem: store.NewProblem("reconnect needed", otherVersion, nil)})},
		{"an error from another version's app", words.Message(&otherVersionError{otherVersion})},
		{"another version's error inside a notification",
			words.L("{{.Name}} needs to be reconnected: {{.Why}}", map[string]any{"Name": "Cabinet Dupont", "Why": &otherVersionError{otherVersion}})},
	} {
		if strings.Contains(c.said, otherVersion) || !strings.Contains(c.said, "Veuillez reconnecter le compte.") {
			t.Errorf("%s reads %q, want the French for %q", c.what, c.said, reconnect)
		}
	}
	// An account an older Tokentray left with its English sentence: a
	// sentence with no varying part is a message ID, said in French; one
	// with names in it is shown as it was kept.
	words.Use("fr")
	for _, c := range []struct{ kept, want string }{
		{auth.Message(auth.ErrReconnectNeeded), "Veuillez reconnecter le compte."},
		{"Port 53111, which this provider requires for sign-in, is in use by “node”. Close that program and try again.", "Port 53111, which"},
	} {
		if got := words.LastError(store.Account{LastError: c.kept}); !strings.Contains(got, c.want) {
			t.Errorf("an older Tokentray's %q reads %q, want it to say %q", c.kept, got, c.want)
		}
	}
	if got := words.LastError(store.Account{}); got != "" {
		t.Errorf("an account with nothing wrong says %q", got)
	}
}

// merge is m with k set to v, m left as it is.
func merge(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for k2, v2 := range m {
		if k2 != k {
			out[k2] = v2
		}
	}
	return out
}

// otherVersionError is a grant that ended, as the running app of another
// Tokentray version words it for the command line (as
// ui/accounts.RemoteError carries it): a sentence this version does not
// have, and the kind it matches.
type otherVersionError struct{ id string }

func (e *otherVersionError) Error() string                   { return "refresh: reconnect needed (invalid_grant)" }
func (e *otherVersionError) Message() string                 { return e.id }
func (e *otherVersionError) Words() (string, map[string]any) { return e.id, nil }
func (e *otherVersionError) Is(target error) bool            { return target == auth.ErrReconnectNeeded }

func TestMain(m *testing.M) {
	if _, err := os.Stat("../tray"); err != nil {
		fmt.Fprintln(os.Stderr, "run from ui/words")
		os.Exit(2)
	}
	os.Exit(m.Run())
}
