package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// NetError is a network failure in the words a user needs: what failed,
// and the net:: error Chromium would show in the console.
type NetError struct {
	// Code is Chromium's net error, e.g. net::ERR_CONNECTION_REFUSED.
	Code string
	// Kind is a short machine word: dns, refused, reset, timeout, tls,
	// certificate, proxy, protocol (an invalid or oversized response),
	// other.
	Kind string
	// Message is one line, lower case, naming what failed.
	Message string
}

// DescribeError classifies a client error. timeout is the configured
// per-request timeout, used in the message.
func DescribeError(err error, timeout time.Duration) NetError {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		urlErr   *url.Error
		opErr    *net.OpError
		isTimout bool
	)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		isTimout = true
	}
	// The caller names the URL; the message says what failed.
	where := ""
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		err = urlErr.Err
	}
	switch {
	case errors.As(err, &dnsErr):
		msg := "DNS lookup of " + dnsErr.Name + " failed"
		if dnsErr.IsNotFound {
			msg += ": no such host"
		} else {
			msg += ": " + dnsErr.Err
		}
		return NetError{"net::ERR_NAME_NOT_RESOLVED", "dns", where + msg}
	case errors.As(err, &unknown), errors.As(err, &verify) && isUnknownAuthority(verify):
		return NetError{"net::ERR_CERT_AUTHORITY_INVALID", "certificate", where + "TLS certificate not trusted (self-signed or unknown authority); pass --insecure to probe anyway"}
	case errors.As(err, &hostErr):
		return NetError{"net::ERR_CERT_COMMON_NAME_INVALID", "certificate", where + "TLS certificate does not match the host: " + hostErr.Error()}
	case errors.As(err, &invalid):
		code := "net::ERR_CERT_INVALID"
		if invalid.Reason == x509.Expired {
			code = "net::ERR_CERT_DATE_INVALID"
		}
		return NetError{code, "certificate", where + "TLS certificate invalid: " + invalid.Error()}
	case errors.As(err, &verify):
		return NetError{"net::ERR_CERT_INVALID", "certificate", where + "TLS certificate verification failed: " + verify.Err.Error()}
	case errors.As(err, &recErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return NetError{"net::ERR_SSL_PROTOCOL_ERROR", "tls", where + "TLS handshake failed: the server does not speak TLS on this port (http:// instead of https://?)"}
	case isTimout:
		return NetError{"net::ERR_TIMED_OUT", "timeout", where + fmt.Sprintf("timed out after %s", timeout)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return NetError{"net::ERR_CONNECTION_REFUSED", "refused", where + "connection refused: nothing listens on " + dialAddr(err)}
	case errors.Is(err, syscall.ECONNRESET):
		return NetError{"net::ERR_CONNECTION_RESET", "reset", where + "connection reset by the server"}
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		return NetError{"net::ERR_PROXY_CONNECTION_FAILED", "proxy", where + "proxy connection failed: " + opErr.Err.Error()}
	case strings.Contains(err.Error(), "server response headers exceeded"):
		// Chromium's limit is the same 256 KiB (net/http/http_stream_parser.h
		// kMaxHeaderBufSize).
		return NetError{"net::ERR_RESPONSE_HEADERS_TOO_BIG", "protocol", where + fmt.Sprintf("response headers larger than %d KiB: Chromium fails the request too (net::ERR_RESPONSE_HEADERS_TOO_BIG)", evidence.MaxHeaderBytes>>10)}
	case strings.Contains(err.Error(), "malformed "):
		// net/http: "...transport connection broken: malformed MIME
		// header line: \"Access-Control-Allow-Or\"": keep what is
		// malformed and the offending text, not only the last fragment.
		msg := err.Error()
		msg = msg[strings.Index(msg, "malformed "):]
		return NetError{"net::ERR_INVALID_HTTP_RESPONSE", "protocol", where + "invalid HTTP response: " + msg}
	case strings.Contains(err.Error(), "tls:"):
		return NetError{"net::ERR_SSL_PROTOCOL_ERROR", "tls", where + "TLS handshake failed: " + lastPart(err.Error())}
	}
	return NetError{"net::ERR_FAILED", "other", where + lastPart(err.Error())}
}

func isUnknownAuthority(v *tls.CertificateVerificationError) bool {
	var u x509.UnknownAuthorityError
	return errors.As(v.Err, &u)
}

func dialAddr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return "the port"
}

// lastPart keeps the innermost message of a wrapped error chain.
func lastPart(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		return s[i+2:]
	}
	return s
}
