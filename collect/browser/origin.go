package browser

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// NullHost is the host name that serves the page for the origin "null".
const NullHost = "null.corsdoctor.test"

// OriginError says why an origin cannot be played, and what to do instead.
type OriginError struct {
	Origin  string
	Reason  string
	Suggest string
}

func (e *OriginError) Error() string {
	s := fmt.Sprintf("origin %q: %s", e.Origin, e.Reason)
	if e.Suggest != "" {
		s += "; " + e.Suggest
	}
	return s
}

// originServer serves the blank page of one origin from loopback.
type originServer struct {
	origin  string
	pageURL string
	rule    string // host mapping rule for Chromium
	spki    string // base64 SHA-256 of the certificate's SPKI, https only
	srv     *http.Server
}

func (s *originServer) close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// CheckOrigin validates an origin corsdoctor can play and returns its
// serialization. Only http, https and "null" pages can be played.
func CheckOrigin(o string) (string, error) {
	if o == cors.Null {
		return o, nil
	}
	canon, err := cors.ParseOrigin(o)
	if err != nil {
		var oe *cors.OriginError
		if errors.As(err, &oe) && oe.Suggest != "" {
			return "", &OriginError{Origin: o, Reason: oe.Why(), Suggest: fmt.Sprintf("use --origin %s", oe.Suggest)}
		}
		return "", &OriginError{Origin: o, Reason: err.Error()}
	}
	u, err := url.Parse(canon)
	if err != nil {
		return "", &OriginError{Origin: o, Reason: err.Error()}
	}
	switch u.Scheme {
	case "http", "https":
	case "file":
		return "", &OriginError{Origin: o, Reason: "a page opened from a file has the opaque origin \"null\"", Suggest: "use --origin null"}
	default:
		return "", &OriginError{Origin: o, Reason: "only http and https pages (and \"null\") can be played in the browser",
			Suggest: "use the http(s) origin of the page that makes the request, or --origin null for sandboxed and file pages"}
	}
	return canon, nil
}

// serveOrigin starts the loopback server that plays origin o. The page
// server listens on a free loopback port whatever o's port is, and
// Chromium maps exactly o's host and port to it, so no privileged port is
// needed and every other host (and every other port of o's host) resolves
// as usual.
//
// The server's own log (TLS handshake errors, "http2: server: error
// reading preface" when Chromium drops a connection) goes to logw, the
// debug output (Config.Output), never to standard error: discarded when
// logw is nil.
func serveOrigin(o string, logw io.Writer) (*originServer, error) {
	canon, err := CheckOrigin(o)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, &OriginError{Origin: o, Reason: fmt.Sprintf("cannot listen on loopback: %v", err),
			Suggest: "check that the loopback interface is up and ports are free"}
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if logw == nil {
		logw = io.Discard
	}
	s := &originServer{origin: canon, srv: &http.Server{Handler: pageMux(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(logw, "corsdoctor: origin server "+canon+": ", 0)}}
	if canon == cors.Null {
		s.pageURL = "http://" + NullHost + PagePath + "?sandbox=1"
		s.rule = fmt.Sprintf("MAP %s:80 127.0.0.1:%d", NullHost, port)
		go s.srv.Serve(ln)
		return s, nil
	}
	u, _ := url.Parse(canon)
	host := u.Hostname()
	p := u.Port()
	if p == "" {
		p = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	hostPattern := host
	if strings.Contains(host, ":") {
		hostPattern = "[" + host + "]"
	}
	s.rule = fmt.Sprintf("MAP %s:%s 127.0.0.1:%d", hostPattern, p, port)
	s.pageURL = canon + PagePath
	if u.Scheme == "https" {
		cert, spki, err := selfSigned(host)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("origin %q: certificate: %w", o, err)
		}
		s.spki = spki
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		go s.srv.ServeTLS(ln, "", "")
		return s, nil
	}
	go s.srv.Serve(ln)
	return s, nil
}

func pageMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(PagePath, PageHandler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// favicon.ico and anything else: nothing here.
		http.Error(w, "corsdoctor origin page server", http.StatusNotFound)
	})
	return mux
}

// selfSigned makes a throw-away ECDSA certificate for host, valid for a
// day, and returns it with the base64 SHA-256 hash of its public key
// (the form --ignore-certificate-errors-spki-list takes). Chromium accepts
// it for this key only; no CA is installed.
func selfSigned(host string) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host, Organization: []string{"corsdoctor throw-away"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, SPKIHash(cert), nil
}

// SPKIHash is the base64 SHA-256 hash of a certificate's public key, as
// Chromium's --ignore-certificate-errors-spki-list takes it.
func SPKIHash(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}
