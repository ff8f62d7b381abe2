package auth

import "testing"

// TestLooksLikeApprovalTitle: the titles of Clio's approval page, with a
// browser's suffix, are taken; other windows' titles that merely contain
// "code=" or "error=" are not.
func TestLooksLikeApprovalTitle(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"Success code=ory_ac_Q1w2E3.r4T5y6 - Chromium", true},
		{"Success code=5IzZeWL2OmZUxGOGO4WE", true},
		{"Failure error=access_denied — Mozilla Firefox", true},
		{"New Tab - Chromium", false},
		{"Re: code=abcd1234 please review - Mail", false},
		{"Terminal: curl ...?code=zzzz9999", false},
		{"Command Prompt - echo Success code=XYZ", false},
		{"Inbox - Failure error=x", false},
		{"", false},
	} {
		if got := LooksLikeApprovalTitle(tc.title); got != tc.want {
			t.Errorf("LooksLikeApprovalTitle(%q) = %v, want %v", tc.title, got, tc.want)
		}
	}
}
