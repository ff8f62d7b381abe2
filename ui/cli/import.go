package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store"
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
