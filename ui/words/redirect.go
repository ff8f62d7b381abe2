package words

import "github.com/tokentray/tokentray/auth"

// RedirectChoices is what auth's WithRedirect takes, for help texts. The
// words loopback and approval are typed as they are, in every language.
var RedirectChoices = Phrase{ID: "loopback, approval (Clio), http://127.0.0.1:PORT/PATH (or localhost, [::1]) or an https:// address"}

// RedirectWords says in a sentence where p's sign-in comes back to, for
// summaries and the settings dialog, as a message ID and its fields.
func RedirectWords(p auth.Provider) (string, map[string]any) {
	switch p.Redirect {
	case auth.RedirectApproval:
		return "Sign-in ends on Clio's approval page ({{.Page}}): Tokentray reads the code from the browser's window title, " +
			"or you paste the page's address.", map[string]any{"Page": p.ApprovalURL}
	case auth.RedirectPage:
		return "Sign-in ends on the web page {{.Page}}: after you approve, copy the address your browser shows " +
			"and paste it into Tokentray.", map[string]any{"Page": p.PageURL}
	case auth.RedirectLoopback, "":
		if p.RedirectPort == 0 {
			return "Sign-in comes back to Tokentray on this computer at {{.Address}}, on any free port.", map[string]any{"Address": p.RedirectValue()}
		}
		return "Sign-in comes back to Tokentray on this computer at {{.Address}}.", map[string]any{"Address": p.RedirectValue()}
	}
	return "No browser sign-in: the credentials are imported.", nil
}

// redirectErrorWords is what an *auth.RedirectError says: the value, and
// why it was refused as a phrase of its own, translated as a field.
func redirectErrorWords(e *auth.RedirectError) (string, map[string]any) {
	return "The redirect “{{.Value}}” cannot be used: {{.Reason}}.", map[string]any{"Value": e.Value, "Reason": reason(e.Reason)}
}

// reason is why a redirect was refused as a field of a message: it words
// itself (reasonWords), so that it is translated with the sentence, and
// kept as a phrase with it (store.NewProblem).
type reason auth.RedirectReason

// Words is reasonWords.
func (r reason) Words() (string, map[string]any) { return reasonWords(auth.RedirectReason(r)) }

// String is the reason in English.
func (r reason) String() string { return english(r.Words()) }

// reasonWords is why a redirect was refused, lower-case, with no final
// full stop: a field of the sentence that says so.
func reasonWords(r auth.RedirectReason) (string, map[string]any) {
	choices := map[string]any{"Choices": RedirectChoices}
	switch r.Rule {
	case auth.NoSignIn:
		return "{{.Provider}} has no browser sign-in (its credentials are imported), so it takes no redirect", map[string]any{"Provider": r.Provider}
	case auth.EmptyRedirect:
		return "it is empty; give one of {{.Choices}}", choices
	case auth.OnlyClio:
		return "only Clio has an approval page; for {{.Provider}} use loopback, a http://127.0.0.1:PORT/PATH address or an https:// page", map[string]any{"Provider": r.Provider}
	case auth.UserInAddress:
		return "a redirect address cannot carry a user name or password", nil
	case auth.FragmentInAddress:
		return "a redirect address cannot have a #… part", nil
	case auth.PortRange:
		return "its port {{.Port}} is not a port number from 1 to 65535", map[string]any{"Port": r.Port}
	case auth.OtherScheme:
		return "Tokentray can receive the sign-in only at an http://127.0.0.1 (or localhost, [::1]) address on this computer, or at an https:// page", nil
	case auth.PlainHTTPOff:
		return "plain http is allowed only to this computer (127.0.0.1, [::1] or localhost); a page on the web needs https://", nil
	case auth.QueryInLoopback:
		return "a loopback redirect cannot have a ?… part", nil
	case auth.BadPath:
		return "its path {{.Path}} may hold only letters, digits, '-', '.', '_', '~' and single '/' between its parts", map[string]any{"Path": r.Path}
	}
	return "it is not an address; give one of {{.Choices}}", choices
}
