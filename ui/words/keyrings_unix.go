//go:build !windows

package words

// keyringChoices names the Secret Service keyrings Tokentray works with,
// as they are in every language.
const keyringChoices = "GNOME Keyring (package gnome-keyring), KWallet, or KeePassXC with its Secret Service enabled"
