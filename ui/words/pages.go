package words

import "github.com/tokentray/tokentray/auth"

// pageWords is the message IDs of the title and body of a page auth's
// loopback listener answers the browser with after a sign-in.
func pageWords(p auth.Page) (title, body string) {
	switch p {
	case auth.PageApproved:
		return "Approved", "Tokentray received your approval. You can close this tab and go back to Tokentray."
	case auth.PageNotThisSignIn:
		return "This link is not for Tokentray's current sign-in",
			"It may be from an older attempt. Go back to Tokentray and choose Connect again if it is still waiting."
	case auth.PageDeclined:
		return "Not connected", "You declined access, so nothing was connected. You can close this tab."
	}
	return "Not connected", "The provider reported a problem. You can close this tab; Tokentray explains what to do next."
}
