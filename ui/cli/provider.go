package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

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
	app, err := e.accounts()
	if err != nil {
		return err
	}
	ch := accounts.ProviderChange{ID: pos[0], Redirect: *redirect, New: &auth.Custom{Name: *display, Issuer: *issuer,
		AuthURL: *authURL, TokenURL: *tokenURL, ClientID: *clientID, ClientSecret: secret, ClientAuth: *clientAuth,
		Scopes: strings.Fields(*scopes), RedirectPort: *port}}
	if *apiBase != "" {
		ch.APIBase = apiBase
	}
	p, err := app.ChangeProvider(ctx, ch)
	var se *accounts.SettingError
	if errors.As(err, &se) {
		flag := map[string]string{"Redirect": "--redirect", "APIBase": "--api-base"}[se.Setting]
		return badUsage(flag + ": " + words.Message(se.Err))
	}
	if err != nil {
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
	// A flag not given (or given empty) keeps its setting as it is.
	ch := accounts.ProviderChange{ID: p.ID, BaseURL: *baseURL, Redirect: *redirect, TokenURL: *tokenURL}
	if *apiBase != "" {
		ch.APIBase = apiBase
	}
	if *clientID != "" {
		ch.ClientID = clientID
	}
	if *secretStdin {
		ch.SecretFrom = e.readSecret
	}
	p, err = app.ChangeProvider(ctx, ch)
	var se *accounts.SettingError
	switch {
	case errors.Is(err, accounts.ErrNotBuiltIn):
		return badUsage(words.L("--base-url applies to built-in providers only"))
	case errors.As(err, &se):
		flag := map[string]string{"Redirect": "--redirect", "TokenURL": "--token-url", "APIBase": "--api-base"}[se.Setting]
		return badUsage(flag + ": " + words.Message(se.Err))
	case err != nil:
		return err
	}
	fmt.Fprintln(e.ErrOut, words.L("Saved settings for {{.ID}}.", map[string]any{"ID": p.ID}))
	if *redirect != "" {
		fmt.Fprintln(e.ErrOut, words.L(words.RedirectWords(p)))
	}
	return nil
}
