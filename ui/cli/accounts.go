package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

// accountJSON is an account in list and status output.
type accountJSON struct {
	ID          string     `json:"id"`
	Provider    string     `json:"provider"`
	Name        string     `json:"name"`
	State       string     `json:"state"`
	Expiry      *time.Time `json:"expires_at,omitempty"`
	LastRefresh *time.Time `json:"last_refresh,omitempty"`
	NextRetry   *time.Time `json:"next_retry,omitempty"`
	// LastError is in the reader's language (words.LastError);
	// LastErrorKind names what went wrong for programs
	// (store.Problem.Kind: "transient", "reconnect needed", "keyring", …).
	LastError     string   `json:"last_error,omitempty"`
	LastErrorKind string   `json:"last_error_kind,omitempty"`
	Scopes        []string `json:"scopes,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func state(a store.Account) string {
	if a.Status == "" {
		return "ok"
	}
	return a.Status
}

func cmdList(ctx context.Context, e *env, args []string) error {
	return listAccounts(e, "list", args, false)
}

func cmdStatus(ctx context.Context, e *env, args []string) error {
	return listAccounts(e, "status", args, true)
}

func listAccounts(e *env, command string, args []string, detail bool) error {
	fs := e.flags(command)
	asJSON := fs.Bool("json", false, words.Mark("print JSON"))
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return badUsage(words.L("unexpected argument “{{.Arg}}”", map[string]any{"Arg": pos[0]}))
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	sts, err := app.Statuses()
	if err != nil {
		return err
	}
	if *asJSON {
		rows := make([]accountJSON, 0, len(sts))
		for _, s := range sts {
			r := accountJSON{ID: s.ID, Provider: s.Provider, Name: s.Name, State: state(s.Account), Expiry: timePtr(s.Expiry)}
			if detail {
				r.LastRefresh, r.NextRetry = timePtr(s.LastRefresh), timePtr(s.NextRetry)
				r.LastError, r.LastErrorKind, r.Scopes = words.LastError(s.Account), s.LastProblem.Kind, s.Scopes
			}
			rows = append(rows, r)
		}
		enc := json.NewEncoder(e.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(sts) == 0 {
		fmt.Fprintln(e.ErrOut, words.L("No accounts are connected yet. Connect one with: tokentray connect PROVIDER"))
		return nil
	}
	tw := tabwriter.NewWriter(e.Out, 0, 4, 2, ' ', 0)
	if detail {
		fmt.Fprintln(tw, words.L("NAME\tPROVIDER\tSTATE\tEXPIRES\tLAST REFRESH\tLAST ERROR"))
	} else {
		fmt.Fprintln(tw, words.L("NAME\tPROVIDER\tSTATE\tEXPIRES"))
	}
	for _, s := range sts {
		line := fmt.Sprintf("%s\t%s\t%s\t%s", s.Name, s.Provider, state(s.Account), when(s.Expiry, words.L("unknown")))
		if detail {
			line += fmt.Sprintf("\t%s\t%s", when(s.LastRefresh, words.L("never")), words.LastError(s.Account))
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

func when(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.Local().Format(time.DateTime)
}

func cmdConnect(ctx context.Context, e *env, args []string) error {
	fs := e.flags("connect")
	name := fs.String("name", "", words.Mark("name for the account (default: from the provider)"))
	region := fs.String("region", "", words.Mark("Clio region: us, ca, eu or au"))
	noBrowser := fs.Bool("no-browser", false, words.Mark("print the address to open instead of opening a browser"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("connect takes one provider ID"))
	}
	id := pos[0]
	if id == "clio" {
		r := auth.ClioRegions()[0] // the default
		if *region != "" {
			var ok bool
			if r, ok = auth.ClioRegionByCode(*region); !ok {
				return &accounts.NameError{Err: accounts.ErrUnknownProvider, Name: "clio-" + *region} // as for any unknown ID
			}
		}
		id = r.PresetID()
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	p, err := app.Provider(ctx, id)
	if err != nil {
		return err
	}
	open := func(u string) error {
		fmt.Fprintf(e.ErrOut, "%s\n\n  %s\n\n", words.L("Open this address in your browser:"), u)
		return nil
	}
	if !*noBrowser {
		b := system.NewBrowser()
		defer b.Close()
		open = b.Open
	}
	opts := auth.ConnectOptions{Open: open, OpenFailed: func(u string, _ error) {
		fmt.Fprintf(e.ErrOut, "%s\n\n  %s\n\n", words.L("Tokentray could not open your browser. Open this address in a browser yourself; Tokentray is still waiting:"), u)
	}}
	opts.PasteRejected = func(err error) {
		fmt.Fprintf(e.ErrOut, "%s\n%s\n", words.Message(err), words.L("Tokentray is still waiting: paste the address and press Enter (Ctrl+C to cancel)."))
	}
	stopReading := make(chan struct{}) // the paste box's reader: no one receives once connect returns
	defer close(stopReading)
	switch p.Redirect {
	case auth.RedirectApproval:
		// Clio's desktop page: the user pastes its address, title or code.
		fmt.Fprintln(e.ErrOut, words.L("After approving, paste the address of the page you land on (or its code) here and press Enter:"))
		opts.Approval = lines(e.In, stopReading)
	case auth.RedirectPage:
		// A web page registered with the provider: only the address the
		// browser shows brings the code back, with its state.
		fmt.Fprintln(e.ErrOut, words.L("After you approve, copy the address your browser shows and paste it here, then press Enter:"))
		opts.Approval = lines(e.In, stopReading)
	default:
		fmt.Fprintln(e.ErrOut, words.L("Waiting for you to approve in the browser… (Ctrl+C to cancel)"))
	}
	acct, err := app.Connect(ctx, id, *name, opts)
	if p.Redirect == auth.RedirectPage && auth.KindOf(err) == auth.KindCanceled && ctx.Err() == nil {
		// Not Ctrl+C: standard input ended, and nothing else can bring
		// the address.
		return errors.New(words.L("standard input ended before the address was pasted; run connect in a terminal and paste the address there"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.ErrOut, words.L("Connected {{.Name}} ({{.Provider}}).", map[string]any{"Name": acct.Name, "Provider": words.ProviderName(p.ID, p.Name)}))
	fmt.Fprintln(e.Out, acct.ID)
	return nil
}

// lines delivers in's non-blank lines, trimmed, until in ends or done is
// closed; then the channel is closed. The caller closes done when it stops
// receiving. A read under way cannot be cancelled (a terminal's stdin stays
// open): the goroutine ends as soon as that read returns, and it never
// waits on a send once done is closed.
func lines(in io.Reader, done <-chan struct{}) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case <-done:
				return
			default:
			}
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			select {
			case ch <- line:
			case <-done:
				return
			}
		}
	}()
	return ch
}

func cmdDisconnect(ctx context.Context, e *env, args []string) error {
	fs := e.flags("disconnect")
	keepRemote := fs.Bool("keep-remote", false, words.Mark("forget the account here without revoking it at the provider"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("disconnect takes one account name"))
	}
	app, err := e.accounts()
	if err != nil {
		return err
	}
	acct, err := app.Find(pos[0])
	if err != nil {
		return err
	}
	done, err := app.Disconnect(ctx, acct.ID, *keepRemote)
	if err != nil {
		var re *accounts.RevokeError
		if errors.As(err, &re) {
			fmt.Fprintln(e.ErrOut, re.Message())
			return nil
		}
		return err
	}
	fmt.Fprintln(e.ErrOut, done.Message())
	return nil
}
