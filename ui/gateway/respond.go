package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/words"
)

// The gateway's answers, in the user's language (ui/words).
var (
	msgNotAProxy          = words.Mark("Tokentray's gateway forwards only to your accounts' own services: ask for /ACCOUNT/PATH on the gateway's address, not for another site.")
	msgWrongHost          = words.Mark("This request was not addressed to Tokentray's gateway (its Host names another site), so it is refused. Call the gateway at its own address: 127.0.0.1 or localhost, with its port.")
	msgFromAPage          = words.Mark("Requests from web pages are refused: Tokentray's gateway is for the tools and scripts on this computer.")
	msgNoKey              = words.Mark("The gateway key is missing. Give it as the password (with any user name), in the X-Tokentray-Key header, or as the tokentray_key parameter. Copy it from Tokentray's window (Copy key).")
	msgWrongKey           = words.Mark("The gateway key is wrong. Copy it again from Tokentray's window (Copy key): it changes when a new one is made.")
	msgBadPath            = words.Mark("This address tries to reach outside the account's service, so it is refused.")
	msgNoAccount          = words.Mark("Name an account after the gateway's address: /ACCOUNT/PATH.")
	msgUnknownAccount     = words.Mark("Tokentray has no account named “{{.Name}}”. Use the account's name as Tokentray shows it, or the address its menu copies (Copy gateway address).")
	msgNoUpstream         = words.Mark("The provider of “{{.Name}}” has no API address, so the gateway does not know where to send its requests. Enter the provider's API base URL under Provider settings.")
	msgAccountsUnreadable = words.Mark("Tokentray could not read its list of accounts. Open Tokentray to see why.")
	msgNoWrites           = words.Mark("Changes ({{.Method}}) through the gateway are not allowed for “{{.Name}}”. Allow them for this account in Tokentray first, if that is what you want.")
	msgReconnect          = words.Mark("“{{.Name}}” must be reconnected in Tokentray before its service can be called. Open Tokentray and choose Reconnect.")
	msgNoToken            = words.Mark("Tokentray has no fresh token for “{{.Name}}” just now: {{.Why}}")
	msgUnreachable        = words.Mark("The service of “{{.Name}}” ({{.Host}}) could not be reached. Check the network connection, then try again.")
	msgTooLarge           = words.Mark("The request's body is larger than the gateway takes for this call ({{.Max}} MB).")
	msgWrapperOff         = words.Mark("Tokentray may not send the sign-in of “{{.Name}}” to the Claude wrapper: the wrapper takes the refresh token too. Allow it for this account in Tokentray first, if that is what you want.")
	msgKeyUnreadable      = words.Mark("Tokentray could not read the gateway key from the system keyring. Open Tokentray to see why.")
	msgBadBody            = words.Mark("The body of a call to the Claude wrapper must be a JSON object: the request the wrapper takes, without oauth_credentials (Tokentray adds them).")
)

// errorBody is the JSON of every answer the gateway makes itself.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers with status and the message msg, as JSON. The message
// holds no secret: none of the data it is filled with is one.
func (s *Server) fail(w http.ResponseWriter, status int, code, msg string, data map[string]any) {
	var b errorBody
	b.Error.Code = code
	if data == nil {
		b.Error.Message = words.L(msg)
	} else {
		b.Error.Message = words.L(msg, data)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(b) //nolint:errcheck // the client may be gone
}

// proxyError answers a request the proxy could not complete.
func (s *Server) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	p := r.Context().Value(routeKey{}).(*proxied)
	name := p.route.Account.Name
	if name == "" {
		name = p.route.Account.ID
	}
	var te *tokenError
	var be *bodyError
	switch {
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The caller went away: nobody to answer.
		w.WriteHeader(499)
	case errors.As(err, &te) && auth.KindOf(te.err) == auth.KindReconnect:
		s.fail(w, http.StatusConflict, "reconnect_needed", msgReconnect, map[string]any{"Name": name})
	case errors.As(err, &te):
		s.cfg.Logger.Warn("gateway: no fresh token", "account", p.route.Account.ID, "err", te.err)
		s.fail(w, http.StatusServiceUnavailable, "no_fresh_token", msgNoToken, map[string]any{"Name": name, "Why": words.Message(te.err)})
	case errors.As(err, &be) && be.tooLarge:
		s.fail(w, http.StatusRequestEntityTooLarge, "body_too_large", msgTooLarge, map[string]any{"Max": s.cfg.MaxReplay >> 20})
	case errors.As(err, &be):
		s.fail(w, http.StatusBadRequest, "bad_body", msgBadBody, nil)
	default:
		s.cfg.Logger.Warn("gateway: upstream not reached", "account", p.route.Account.ID, "host", p.route.Upstream.Host, "err", err)
		s.fail(w, http.StatusBadGateway, "upstream_unreachable", msgUnreachable, map[string]any{"Name": name, "Host": p.route.Upstream.Host})
	}
}

// modifyResponse keeps the caller inside the gateway: a redirect (not
// followed) and the absolute links of a JSON answer (Clio's
// meta.paging.next and previous) that point at the upstream are rewritten
// to the gateway's address of the account.
func (s *Server) modifyResponse(resp *http.Response) error {
	p := resp.Request.Context().Value(routeKey{}).(*proxied)
	if loc := resp.Header.Get("Location"); loc != "" {
		if to, ok := p.toGateway(loc); ok {
			resp.Header.Set("Location", to)
		}
	}
	if !isJSON(resp.Header.Get("Content-Type")) || resp.Header.Get("Content-Encoding") != "" ||
		resp.ContentLength > s.cfg.MaxRewrite || resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.cfg.MaxRewrite+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > s.cfg.MaxRewrite {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), resp.Body), resp.Body}
		return nil
	}
	resp.Body.Close()
	data = p.links().Replace(data)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Set("Content-Length", strconv.Itoa(len(data)))
	return nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// upstreamBase is the upstream's origin and base path, as links to it
// start: "https://eu.app.clio.com" (+ "/base").
func (p *proxied) upstreamBase() string {
	up := p.route.Upstream
	return up.Scheme + "://" + up.Host + strings.TrimSuffix(up.EscapedPath(), "/")
}

// toGateway turns a link to the upstream (absolute, or a path from its
// root) into the same link through the gateway; false for a link
// elsewhere.
func (p *proxied) toGateway(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	up := p.route.Upstream
	if u.IsAbs() && (!strings.EqualFold(u.Scheme, up.Scheme) || !strings.EqualFold(u.Host, up.Host)) {
		return "", false
	}
	if !u.IsAbs() && (u.Host != "" || !strings.HasPrefix(u.EscapedPath(), "/")) {
		return "", false // another host, or relative to where it is: fine as it is
	}
	base := strings.TrimSuffix(up.EscapedPath(), "/")
	path := u.EscapedPath()
	if path != base && !strings.HasPrefix(path, base+"/") {
		return "", false
	}
	out := p.gateway + p.prefix + strings.TrimPrefix(path, base)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out, true
}

// links rewrites, in a JSON text, the absolute links to the upstream into
// links through the gateway, also as JSON may escape them ("https:\/\/").
func (p *proxied) links() *bytesReplacer {
	from, to := p.upstreamBase(), p.gateway+p.prefix
	esc := func(s string) string { return strings.ReplaceAll(s, "/", `\/`) }
	return &bytesReplacer{strings.NewReplacer(
		from+"/", to+"/", from+`"`, to+`"`, from+"?", to+"?",
		esc(from)+`\/`, esc(to)+`\/`, esc(from)+`"`, esc(to)+`"`, esc(from)+"?", esc(to)+"?",
	)}
}

type bytesReplacer struct{ r *strings.Replacer }

func (b *bytesReplacer) Replace(data []byte) []byte { return []byte(b.r.Replace(string(data))) }
