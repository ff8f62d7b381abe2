package accounts

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestProfileAPIBase: a connection profile sets where the gateway sends a
// provider's requests (api_base), shows it in the summary, refuses one that
// is not https (or http to this computer), and applies it.
func TestProfileAPIBase(t *testing.T) {
	pr, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": {"preset": "anthropic", "api_base": "https://wrapper.firm.example/"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s := pr.Summary(); !strings.Contains(s, "API address (for the gateway): https://wrapper.firm.example/") {
		t.Errorf("summary:\n%s", s)
	}
	if _, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-eu", "client_id": "x", "api_base": "http://api.evil.example"}}`)); !errors.Is(err, ErrBadProfile) {
		t.Errorf("plain http api_base: %v, want refused", err)
	}
	storetest.RequireSession(t)
	a, err := Open(Options{Dir: t.TempDir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p, err := a.ApplyProfile(context.Background(), pr)
	if err != nil || p.APIBase != "https://wrapper.firm.example" || !p.APIWrapper {
		t.Fatalf("applied: API base %q, wrapper %v, %v", p.APIBase, p.APIWrapper, err)
	}
	if p, err := a.Provider(context.Background(), "clio-eu"); err != nil || p.APIBase != auth.ClioHostEU {
		t.Errorf("Clio (Europe)'s API base by default: %q, %v", p.APIBase, err)
	}
}

// TestGatewayPortMovesWhenTaken: the gateway's port is kept once chosen;
// when another program holds it, the app's gateway moves to the next free
// port and keeps that one, while `gateway run` (no move) says the port is
// taken.
func TestGatewayPortMovesWhenTaken(t *testing.T) {
	storetest.RequireSession(t)
	ctx := context.Background()
	a, err := Open(Options{Dir: t.TempDir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	held, err := net.Listen("tcp4", "127.0.0.1:0") // another user's gateway
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	taken := held.Addr().(*net.TCPAddr).Port
	if err := a.updateSettings(ctx, func(s *Settings) { s.Gateway.Port = taken }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.ListenGateway(ctx, false); !errors.As(err, new(*PortBusyError)) {
		t.Errorf("without moving, a taken port: %v, want a *PortBusyError", err)
	}
	lns, port, err := a.ListenGateway(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lns {
		l.Close()
	}
	if port <= taken || port >= taken+portTries {
		t.Errorf("moved to port %d, want one of the %d after %d", port, portTries-1, taken)
	}
	if s, err := a.Settings(); err != nil || s.Gateway.Port != port {
		t.Errorf("kept port %d (%v), want %d", s.Gateway.Port, err, port)
	}
	for _, l := range lns {
		if host, _, _ := net.SplitHostPort(l.Addr().String()); !net.ParseIP(host).IsLoopback() {
			t.Errorf("the gateway listens on %s, not loopback", l.Addr())
		}
	}
}
