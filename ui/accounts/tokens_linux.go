package accounts

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/instance"
)

// The token endpoint: a unix socket, token.sock, in the user's private
// instance directory (mode 0700, see ui/instance), through which the
// running desktop app hands `tokentray token` an access token it keeps
// fresh anyway, so that the command needs no keyring round trip of its
// own. It answers only processes of the same user (checked with
// SO_PEERCRED besides the directory's mode), only for its own config dir,
// and never hands out a refresh token. Any process of that user could read
// the same token from the keyring and the sealed file: the endpoint grants
// nothing more, faster.
const (
	tokenSocket      = "token.sock"
	tokenReadTimeout = 2 * time.Second
	maxTokenRequest  = 4096
	// askTimeout bounds how long the command line waits to reach the app;
	// a refresh the app makes for it is bounded by the caller's ctx.
	askTimeout = time.Second
)

// TokenEndpoint is the listening token endpoint of a running app.
type TokenEndpoint struct {
	a  *App
	ln *net.UnixListener
}

// ListenTokens opens the token endpoint, token.sock in the instance
// directory (instance.Dir of the store's dir, which the caller, holding the
// instance, owns). The caller must Serve it.
func (a *App) ListenTokens() (*TokenEndpoint, error) {
	dir := instance.Dir(a.store.Dir())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("token endpoint: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("token endpoint: %w", err)
	}
	path := filepath.Join(dir, tokenSocket)
	os.Remove(path) // left by a crash: the caller holds the instance
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err == nil {
		err = os.Chmod(path, 0o600)
	}
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("token endpoint: %w", err)
	}
	return &TokenEndpoint{a: a, ln: ln}, nil
}

// Serve answers token requests until ctx is done, then closes the endpoint
// and waits for the requests under way. Call it once, on a goroutine the
// caller owns.
func (t *TokenEndpoint) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { t.ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	myDir, _ := filepath.Abs(t.a.store.Dir())
	for {
		c, err := t.ln.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			t.ln.Close()
			return fmt.Errorf("token endpoint: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			t.a.answerToken(ctx, c, myDir)
		}()
	}
}

// answerToken reads one request from c and writes one reply.
func (a *App) answerToken(ctx context.Context, c *net.UnixConn, myDir string) {
	if !sameUser(c) {
		return
	}
	c.SetReadDeadline(time.Now().Add(tokenReadTimeout))
	line, err := bufio.NewReader(io.LimitReader(c, maxTokenRequest)).ReadBytes('\n')
	var req tokenRequest
	if err != nil || json.Unmarshal(line, &req) != nil {
		return
	}
	var reply tokenReply
	if dir, _ := filepath.Abs(req.ConfigDir); dir != myDir {
		reply.Elsewhere = true // the caller goes on by itself
	} else {
		tok, acct, err := a.FreshToken(ctx, req.Name, req.MinValid)
		switch {
		case err != nil && ctx.Err() != nil:
			return // the app is quitting: no answer, the command asks the store
		case err != nil:
			reply.Err = remoteError(err)
		default:
			reply.AccessToken, reply.TokenType, reply.Expiry, reply.Account = tok.AccessToken, tok.TokenType, tok.Expiry, &acct
		}
	}
	out, err := json.Marshal(reply)
	if err != nil {
		return
	}
	c.SetWriteDeadline(time.Now().Add(tokenReadTimeout))
	c.Write(append(out, '\n'))
}

// sameUser reports whether the process at the other end of c runs as this
// process's user.
func sameUser(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil || cerr != nil {
		return false
	}
	return int(cred.Uid) == os.Getuid()
}

// AskToken asks the desktop app running for this user and configDir for a
// token of the named account valid for minValid, as FreshToken would give
// it (without the refresh token). ErrNoTokenServer says that no app
// answered: the caller then gets the token itself. Any other error is the
// app's, worded and kinded as FreshToken's would be (*RemoteError).
func AskToken(ctx context.Context, configDir, name string, minValid time.Duration) (*auth.Token, store.Account, error) {
	d := net.Dialer{Timeout: askTimeout}
	c, err := d.DialContext(ctx, "unix", filepath.Join(instance.Dir(configDir), tokenSocket))
	if err != nil {
		return nil, store.Account{}, ErrNoTokenServer
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req, err := json.Marshal(tokenRequest{ConfigDir: configDir, Name: name, MinValid: minValid})
	if err != nil {
		return nil, store.Account{}, err
	}
	if _, err := c.Write(append(req, '\n')); err != nil {
		return nil, store.Account{}, ErrNoTokenServer
	}
	line, err := bufio.NewReader(c).ReadBytes('\n')
	var reply tokenReply
	if err != nil || json.Unmarshal(line, &reply) != nil {
		if ctx.Err() != nil {
			return nil, store.Account{}, ctx.Err()
		}
		return nil, store.Account{}, ErrNoTokenServer // the app went away: no harm in asking the store
	}
	switch {
	case reply.Elsewhere:
		return nil, store.Account{}, ErrNoTokenServer
	case reply.Err != nil:
		return nil, store.Account{}, reply.Err
	case reply.AccessToken == "" || reply.Account == nil:
		return nil, store.Account{}, ErrNoTokenServer
	}
	return &auth.Token{AccessToken: reply.AccessToken, TokenType: reply.TokenType, Expiry: reply.Expiry}, *reply.Account, nil
}
