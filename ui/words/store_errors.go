package words

import (
	"path/filepath"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
)

// keyringWords says in plain words what is wrong with the system keyring
// and how to fix it: a locked keyring is to be unlocked, a missing one
// installed (keyringChoices); anything else gets both pieces of advice.
func keyringWords(e *store.KeyringError) (string, map[string]any) {
	choices := map[string]any{"Keyrings": keyringChoices}
	switch {
	case e.Timeout:
		return "The system keyring did not answer. It may be locked and waiting for your password: " +
			"unlock it (look for a password prompt), then try again.", nil
	case e.Locked():
		return "Your system keyring is locked, and Tokentray keeps your tokens protected by it. " +
			"Unlock it — enter your login password when it asks, or unlock the Login keyring in Passwords and Keys — then try again.", nil
	case e.Missing():
		return "No system keyring is running, and Tokentray keeps your tokens protected by one. " +
			"Install and start one — {{.Keyrings}} — then try again.", choices
	}
	return "Tokentray keeps your tokens protected by the system keyring, and could not use it. " +
		"Make sure a keyring is installed, running and unlocked — {{.Keyrings}} — then try again.", choices
}

// corruptWords says that the list of accounts could not be read, where
// its copy is, and what to do.
func corruptWords(e *store.CorruptError) (string, map[string]any) {
	return "Tokentray's list of accounts is damaged and could not be read. A copy was kept at {{.Backup}}. " +
		"Your tokens are still protected. Start with an empty list to reconnect your accounts.", map[string]any{"Backup": e.Backup}
}

// writeWords says which folder could not be written, and that nothing
// saved before was lost.
func writeWords(e *store.WriteError) (string, map[string]any) {
	return "Tokentray could not save its data in {{.Folder}} (the disk may be full, or the folder read-only). " +
		"What was saved before is unchanged; Tokentray will try again.", map[string]any{"Folder": filepath.Dir(e.Path)}
}

// unreadableWords says that an account's saved tokens cannot be read any
// more.
func unreadableWords(*store.UnreadableError) (string, map[string]any) {
	return "Tokentray can no longer read this account's saved tokens (the key that protects them is missing " +
		"from the system keyring, or the file was changed). Please reconnect the account.", nil
}

// linkWords says what the user has to do in the other program, and why:
// the reason as a phrase (translated with it, and kept with it as an
// account's last problem).
func linkWords(e *keeper.LinkError) (string, map[string]any) {
	id, data, _ := ExplainWords(e.Err)
	why := store.NewProblem("", id, data)
	return "Tokentray renewed this sign-in but could not write it to Claude's credentials file, " +
		"so Claude Code will ask you to sign in again there (/login). {{.Why}}", map[string]any{"Why": why}
}
