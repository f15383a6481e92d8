package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	kworker "github.com/koppel/koppel/worker"
)

// connectDemoSystems gives every system of the demo whose refresh token a
// keeper holds its consent, the way an operator does with starter connect,
// with this process playing the browser: the simulator's consent page
// approves by itself and redirects to the loopback listener. A keeper that
// is already connected (a resumed demo) is left alone.
func connectDemoSystems(ctx context.Context, c client.Client, s *session, f *config.File, path string, out io.Writer) error {
	idKey := kworker.IDKey(s.proc)
	for _, in := range f.Integrations {
		for _, side := range []struct {
			name string
			sys  config.System
		}{{activities.SideSource, in.Source}, {activities.SideTarget, in.Target}} {
			if reg, ok := connectors.Lookup(side.sys.System); !ok || !reg.KeepsRefreshToken {
				continue
			}
			target, err := loadConnectTarget(path, in.Name, side.name, os.LookupEnv)
			if err != nil {
				return err
			}
			st, err := activities.TokenKeeperStatus(ctx, c, idKey, target.ref)
			if err == nil && st.State == activities.TokenStateConnected {
				continue
			}
			// Any free loopback port: the simulator takes every redirect URI.
			target.oauth.RedirectURI = "http://127.0.0.1:0/callback"
			target.browse = followConsent
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			err = runConnect(cctx, target, true, strings.NewReader(""), io.Discard,
				func(ctx context.Context, set activities.TokenSet) (activities.TokenStatus, error) {
					return activities.ConnectTokenKeeper(ctx, c, s.proc.TaskQueue, idKey, target.ref, set)
				})
			cancel()
			if err != nil {
				return fmt.Errorf("connecting %s of %s to its simulator: %w", side.name, in.Name, err)
			}
			fmt.Fprintf(out, "  %s: connected the %s %s to its simulator (as starter connect --integration %s would)\n",
				in.Name, side.name, side.sys.System, in.Name)
		}
	}
	return nil
}

// followConsent opens the consent URL and follows its redirects to the
// loopback listener, as a browser would.
func followConsent(ctx context.Context, consentURL string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, consentURL, nil)
	if err != nil {
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}
