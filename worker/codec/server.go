package codec

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

// ServerOptions configure the codec server the Web UI decodes through.
type ServerOptions struct {
	// Token is the bearer token every /encode and /decode call must carry.
	Token string
	// AllowedOrigins are the Web UI origins (scheme://host:port, no trailing
	// slash) allowed to call from a browser.
	AllowedOrigins []string
	// AllowLoopbackWithoutToken lets calls from the local machine through
	// without a token; only for the local demo, where the dev server's UI has
	// no login to forward a token from.
	AllowLoopbackWithoutToken bool
}

// Handler serves POST /encode and /decode (the protocol the Web UI and the
// CLI speak) behind CORS and a bearer token: without the token nothing is
// decoded.
func Handler(c Codec, o ServerOptions) http.Handler {
	codecHandler := converter.NewPayloadCodecHTTPHandler(c)
	origins := map[string]bool{}
	for _, origin := range o.AllowedOrigins {
		origins[strings.TrimRight(origin, "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origins[origin] {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusOK)
			return
		}
		if !authorized(r, o) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="koppel-codec"`)
			http.Error(w, "a bearer token is required to encode or decode payloads", http.StatusUnauthorized)
			return
		}
		codecHandler.ServeHTTP(w, r)
	})
}

func authorized(r *http.Request, o ServerOptions) bool {
	if o.AllowLoopbackWithoutToken && isLoopback(r.RemoteAddr) {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && o.Token != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(o.Token)) == 1
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
