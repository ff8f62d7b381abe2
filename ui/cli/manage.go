package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("import")
	file := fs.String("file", "", words.Mark(`credentials file ("-" or none: standard input)`))
	name := fs.String("name", "", words.Mark("name for the account"))
	into := fs.String("account", "", words.Mark("import again into this existing account, keeping its ID and name"))
	copyOnly := fs.Bool("no-link", false, words.Mark("take a copy instead of staying linked to Claude Code's file"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "anthropic" {
		return badUsage(words.L("import takes one kind of credentials: anthropic"))
	}
	if *into != "" && *name != "" {
		return badUsage(words.L("--account keeps the account's name: give --name or --account, not both"))
	}
	var s claude.SignIn
	if *file != "" && *file != "-" {
		s, err = claude.Load(*file)
	} else {
		var data []byte
		if data, err = io.ReadAll(io.LimitReader(e.In, 1<<20)); err != nil {
			return fmt.Errorf("read credentials: %w", err)
		}
		s, err = claude.FromText(data)
	}
	if err != nil {
		return err
	}
	link := s.Path != "" && !*copyOnly
	app, err := e.accounts()
	if err != nil {
		return err
	}
	var acct store.Account
	if *into != "" {
		found, err := app.Find(*into)
		if err != nil {
			return err
		}
		acct, err = app.ReimportClaude(ctx, found.ID, s, link)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.ErrOut, words.L("Imported the new sign-in into {{.Name}} (same name and ID).", map[string]any{"Name": acct.Name}))
	} else {
		acct, err = app.ImportClaude(ctx, s, *name, link)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.ErrOut, words.L("Imported {{.Name}}; Tokentray keeps it fresh from now on.", map[string]any{"Name": acct.Name}))
	}
	if link {
		fmt.Fprintln(e.ErrOut, words.L("It stays linked to {{.Path}}: Tokentray and Claude Code share one sign-in, "+
			"and each renewal is written back to the file.", map[string]any{"Path": s.Path}))
	} else {
		fmt.Fprintln(e.ErrOut, words.L("Note: this is a copy, not linked to a file. If another program (such as Claude Code) "+
			"uses the same sign-in, whichever renews it first signs the other out. Import from Claude Code's "+
			"file (--file ~/.claude/.credentials.json) to keep both working."))
	}
	fmt.Fprintln(e.Out, acct.ID)
	return nil
}

func cmdProvider(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return badUsage(words.L("provider takes list, add, set or import"))
	}
	switch args[0] {
	case "list":
		return providerList(ctx, e, args[1:])
	case "add":
		return providerAdd(ctx, e, args[1:])
	case "set":
		return providerSet(ctx, e, args[1:])
	case "import":
		return providerImport(ctx, e, args[1:])
	}
	return badUsage(words.L("unknown provider command “{{.Command}}”: want list, add, set or import", map[string]any{"Command": args[0]}))
}

// providerImport reads a connection profile (.tokentray.json), shows what it
// contains and, once confirmed (y on stdin, or --yes), saves it. A bad file
// changes nothing.
func providerImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("provider import")
	yes := fs.Bool("yes", false, words.Mark("do not ask for confirmation"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("provider import takes one profile file"))
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return fmt.Errorf("read the profile: %w", err)
	}
	pr, err := accounts.ParseProfile(data)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.ErrOut, "%s\n%s", words.L("This connection profile sets:"), pr.Summary())
	if !*yes {
		fmt.Fprint(e.ErrOut, words.L("Add it? [y/N]")+" ")
		answer, _ := bufio.NewReader(e.In).ReadString('\n')
		if !yesAnswer(answer) {
			fmt.Fprintln(e.ErrOut, words.L("Nothing was changed."))
			return nil
		}
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	p, err := app.ApplyProfile(ctx, pr)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.ErrOut, words.L("Added {{.Provider}}. Connect with: tokentray connect {{.ID}}", map[string]any{"Provider": p.Name, "ID": p.ID}))
	return nil
}

// yesAnswer is a yes to a [y/N] question: y or yes, or the same in the
// user's language.
func yesAnswer(answer string) bool {
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes" || a == strings.ToLower(words.L("y")) || a == strings.ToLower(words.L("yes"))
}

func providerList(ctx context.Context, e *env, args []string) error {
	fs := e.flags("provider list")
	asJSON := fs.Bool("json", false, words.Mark("print JSON"))
	if _, err := parse(fs, args); err != nil {
		return err
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	ps, err := app.Providers(ctx)
	if err != nil {
		return err
	}
	type row struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		ClientID   string `json:"client_id,omitempty"`
		HasSecret  bool   `json:"has_client_secret"`
		TokenURL   string `json:"token_url"`
		Redirect   string `json:"redirect,omitempty"` // provider set --redirect's words
		Configured bool   `json:"configured"`
		// ManagedBy: who set the provider up by policy (its settings
		// cannot be changed here); empty when nobody did.
		ManagedBy string `json:"managed_by,omitempty"`
	}
	rows := make([]row, 0, len(ps))
	for _, p := range ps {
		r := row{p.ID, p.Name, p.ClientID, p.ClientSecret != "", p.Endpoint.TokenURL, p.RedirectValue(),
			p.ClientID != "" || p.Redirect == auth.RedirectNone, ""}
		if l := app.Locked(p.ID); l.Any() {
			r.ManagedBy = l.By
		}
		rows = append(rows, r)
	}
	for _, pr := range app.Policy().Problems {
		fmt.Fprintln(e.ErrOut, words.L("Managed settings: {{.Problem}}", map[string]any{"Problem": pr.Message()}))
	}
	if *asJSON {
		enc := json.NewEncoder(e.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, words.L("ID\tNAME\tCLIENT ID\tSECRET\tREDIRECT\tTOKEN URL"))
	for _, r := range rows {
		secret := "-"
		if r.HasSecret {
			secret = words.L("sealed")
		}
		if r.ManagedBy != "" && r.HasSecret {
			secret = words.L("set by policy")
		}
		redirect := r.Redirect
		if redirect == "" {
			redirect = "-"
		}
		name := r.Name
		if r.ManagedBy != "" {
			name += " " + words.L("(set by {{.By}})", map[string]any{"By": r.ManagedBy})
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, name, r.ClientID, secret, redirect, r.TokenURL)
	}
	return tw.Flush()
}

// readSecret reads a client secret from stdin: the first line.
func (e *env) readSecret() (string, error) {
	data, err := io.ReadAll(io.LimitReader(e.In, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the client secret: %w", err)
	}
	secret, _, _ := strings.Cut(string(data), "\n")
	if secret = strings.TrimSpace(secret); secret == "" {
		return "", badUsage(words.L("--client-secret-stdin: standard input was empty"))
	}
	return secret, nil
}

func providerAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flags("provider add")
	issuer := fs.String("issuer", "", words.Mark("issuer URL (OIDC or RFC 8414 discovery)"))
	authURL := fs.String("auth-url", "", words.Mark("authorization endpoint"))
	tokenURL := fs.String("token-url", "", words.Mark("token endpoint"))
	clientID := fs.String("client-id", "", words.Mark("the registered client ID"))
	secretStdin := fs.Bool("client-secret-stdin", false, words.Mark("read the client secret from standard input"))
	clientAuth := fs.String("client-auth", "", words.Mark("how the client secret is sent, basic or post: the token requests need it"))
	scopes := fs.String("scopes", "", words.Mark("scopes to request, space separated"))
	port := fs.Int("redirect-port", 0, words.Mark("registered loopback redirect port (default: any)"))
	redirect := fs.String("redirect", "", words.Mark("where sign-in comes back (see tokentray help)"))
	display := fs.String("name", "", words.Mark("name shown for the provider"))
	apiBase := fs.String("api-base", "", words.Mark("the provider's API address, where the gateway sends an account's requests"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("provider add takes one provider ID"))
	}
	if *clientID == "" {
		return badUsage(words.L("provider add needs --client-id"))
	}
	if (*issuer == "") == (*authURL == "" || *tokenURL == "") {
		return badUsage(words.L("provider add needs --issuer, or both --auth-url and --token-url"))
	}
	if _, preset := auth.Preset(pos[0]); preset {
		return badUsage(words.L("“{{.ID}}” is a built-in provider: use provider set", map[string]any{"ID": pos[0]}))
	}
	if *redirect != "" && *port != 0 {
		return badUsage(words.L("give --redirect or --redirect-port, not both"))
	}
	if *clientAuth != "" && *clientAuth != auth.ClientAuthBasic && *clientAuth != auth.ClientAuthPost {
		return badUsage(words.L("--client-auth takes basic or post"))
	}
	var secret string
	if *secretStdin {
		if secret, err = e.readSecret(); err != nil {
			return err
		}
	}
	p, err := auth.Custom{ID: pos[0], Name: *display, Issuer: *issuer, AuthURL: *authURL, TokenURL: *tokenURL,
		ClientID: *clientID, ClientSecret: secret, ClientAuth: *clientAuth, Scopes: strings.Fields(*scopes),
		Redirect: *redirect, RedirectPort: *port}.Build(ctx, nil)
	var re *auth.RedirectError
	if errors.As(err, &re) {
		return badUsage("--redirect: " + words.Message(re))
	}
	if err != nil {
		return err
	}
	if *apiBase != "" {
		if p, err = p.WithAPIBase(*apiBase); err != nil {
			return badUsage("--api-base: " + words.Message(err))
		}
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	if err := app.SaveProvider(ctx, p); err != nil {
		return err
	}
	fmt.Fprintln(e.ErrOut, words.L("Added provider {{.ID}}. Connect with: tokentray connect {{.ID}}", map[string]any{"ID": p.ID}))
	return nil
}

func providerSet(ctx context.Context, e *env, args []string) error {
	fs := e.flags("provider set")
	clientID := fs.String("client-id", "", words.Mark("the registered client ID"))
	secretStdin := fs.Bool("client-secret-stdin", false, words.Mark("read the client secret from standard input"))
	baseURL := fs.String("base-url", "", words.Mark("another host for the preset (a sandbox)"))
	tokenURL := fs.String("token-url", "", words.Mark("the token endpoint, whole (after --base-url): for a service that moved it"))
	redirect := fs.String("redirect", "", words.Mark("where sign-in comes back (see tokentray help)"))
	apiBase := fs.String("api-base", "", words.Mark("the provider's API address (after --base-url), where the gateway sends an account's requests; the Claude wrapper's for Anthropic"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("provider set takes one provider ID"))
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	p, err := app.Provider(ctx, pos[0])
	if err != nil {
		return err
	}
	if l := app.Locked(p.ID); l.Any() {
		return &accounts.ManagedError{What: accounts.ManagedProvider, Provider: p.Name, By: l.By}
	}
	if *baseURL != "" {
		rebased, ok := auth.PresetAt(p.ID, *baseURL)
		if !ok {
			return badUsage(words.L("--base-url applies to built-in providers only"))
		}
		rebased.ClientID, rebased.ClientSecret = p.ClientID, p.ClientSecret
		if *redirect == "" && p.Redirect != auth.RedirectNone {
			// The redirect stays as it was set (Clio's approval page
			// moves to the new host with it).
			if rebased, err = rebased.WithRedirect(p.RedirectValue()); err != nil {
				return err
			}
		}
		p = rebased
	}
	if *redirect != "" {
		if p, err = p.WithRedirect(*redirect); err != nil {
			return badUsage("--redirect: " + words.Message(err))
		}
	}
	if *tokenURL != "" {
		if p, err = p.WithTokenURL(*tokenURL); err != nil {
			return badUsage("--token-url: " + words.Message(err))
		}
	}
	if *apiBase != "" {
		if p, err = p.WithAPIBase(*apiBase); err != nil {
			return badUsage("--api-base: " + words.Message(err))
		}
	}
	if *clientID != "" {
		p.ClientID = *clientID
	}
	p.ClientSecret = ""
	if *secretStdin {
		if p.ClientSecret, err = e.readSecret(); err != nil {
			return err
		}
	}
	if err := app.SaveProvider(ctx, p); err != nil {
		return err
	}
	fmt.Fprintln(e.ErrOut, words.L("Saved settings for {{.ID}}.", map[string]any{"ID": p.ID}))
	if *redirect != "" {
		fmt.Fprintln(e.ErrOut, words.L(words.RedirectWords(p)))
	}
	return nil
}

func cmdDoctor(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return badUsage(words.L("doctor takes no arguments"))
	}
	ok := true
	check := func(good bool, what, fix string) {
		mark := "ok  "
		if !good {
			mark, ok = words.L("FAIL"), false
		}
		fmt.Fprintf(e.Out, "%s  %s\n", mark, what)
		if !good && fix != "" {
			fmt.Fprintf(e.Out, "      %s\n", fix)
		}
	}
	dir, err := store.DefaultDir()
	if err == nil {
		fi, serr := os.Stat(dir)
		switch {
		case serr != nil:
			check(true, words.L("config folder {{.Dir}} (not created yet)", map[string]any{"Dir": dir}), "")
		case runtime.GOOS == "windows":
			// Its access list (the user's alone) is set each time the
			// store opens it; Windows has no mode bits to read.
			check(fi.IsDir(), words.L("config folder {{.Dir}}", map[string]any{"Dir": dir}), "")
		default:
			check(fi.Mode().Perm()&0o077 == 0, words.L("config folder {{.Dir}} is private ({{.Mode}})",
				map[string]any{"Dir": dir, "Mode": fi.Mode().Perm().String()}),
				words.L("run: {{.Command}}", map[string]any{"Command": "chmod 700 " + dir}))
			if mf, err := os.Stat(filepath.Join(dir, "accounts.json")); err == nil {
				check(mf.Mode().Perm()&0o077 == 0, words.L("account list is private"),
					words.L("run: {{.Command}}", map[string]any{"Command": "chmod 600 " + filepath.Join(dir, "accounts.json")}))
			}
		}
	}
	doctorPolicy(e, check)
	kctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	kerr := store.CheckKeyring(kctx, store.Options{}) // the store is not opened: that would create its folder
	cancel()
	fix := ""
	if kerr != nil {
		fix = message(kerr)
	}
	check(kerr == nil, words.L("system keyring reachable and unlocked"), fix)

	if runtime.GOOS == "windows" {
		// The notification area is part of Windows; its toasts are shown
		// through PowerShell, which a managed computer may block or
		// restrict (Constrained Language Mode).
		check(true, words.L("tray: the Windows notification area"), "")
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		toasts, why := system.CheckNotifications(nctx)
		cancel()
		check(toasts, words.L("notifications: Windows toasts (through PowerShell)"), why)
		if !ok {
			return errDoctor
		}
		return nil
	}
	display := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		check(true, words.L("display: Wayland (reading the browser's window title needs XWayland; pasting always works)"), "")
	case os.Getenv("DISPLAY") != "":
		check(true, words.L("display: X11 {{.Display}}", map[string]any{"Display": os.Getenv("DISPLAY")}), "")
	default:
		check(display, words.L("a display for the desktop app"), words.L("the command line works without one"))
	}
	if s, err := system.ProbeSession(ctx); err != nil {
		check(false, words.L("desktop session bus (D-Bus)"), words.L("start a desktop session; the tray and notifications need it"))
	} else {
		check(s.TrayHost, words.L("tray host (StatusNotifierItem)"),
			words.L("on GNOME install the AppIndicator extension (gnome-shell-extension-appindicator); Tokentray's window works without it"))
		check(s.Notifications, words.L("notification service"), words.L("install a notification daemon (e.g. dunst) for alerts"))
	}
	if !ok {
		return errDoctor
	}
	return nil
}

// errDoctor is doctor's failure, worded when it is shown.
var errDoctor error = doctorError{}

type doctorError struct{}

func (doctorError) Error() string { return words.L("some checks failed (see above)") }
