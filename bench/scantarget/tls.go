package scantarget

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"time"
)

// Cert is a throw-away certificate authority and a server certificate it
// signed, for serving the bench target over https under host names the
// scanner maps to loopback (--resolve) and trusts (--cacert, or Pool).
type Cert struct {
	// Server is the certificate to serve, valid for the names given.
	Server tls.Certificate
	// Pool trusts the authority; PEM is the authority's certificate.
	Pool *x509.CertPool
	PEM  []byte
}

// NewCert makes an ECDSA P-256 authority and a server certificate for
// names (host names or IP addresses), both valid for a day. Nothing is
// installed anywhere: only a client given Pool or PEM trusts it.
func NewCert(names ...string) (*Cert, error) {
	if len(names) == 0 {
		return nil, errors.New("scantarget: a certificate needs at least one name")
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "corsdoctor scantarget throw-away CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			leaf.IPAddresses = append(leaf.IPAddresses, ip)
		} else {
			leaf.DNSNames = append(leaf.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return &Cert{
		Server: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		Pool:   pool,
		PEM:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
	}, nil
}

// Named is a handler served on a loopback port under a host name that
// only the scanner maps to loopback (scan.Config.Resolve, --resolve): an
// http target on a name is not potentially trustworthy, as a user's
// http://internal-api.corp is not, where http://127.0.0.1 is.
type Named struct {
	// URL is scheme://host:port; Addr the loopback address listened on.
	URL, Addr string
	// Resolve maps host:port to Addr.
	Resolve map[string]string
	srv     *http.Server
}

// ServeNamed serves h for host on a free loopback port, over https with
// cert when cert is not nil.
func ServeNamed(h http.Handler, host string, cert *Cert) (*Named, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	scheme := "http"
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	if cert != nil {
		scheme = "https"
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert.Server}}
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(ln)
	}
	hp := net.JoinHostPort(host, port)
	return &Named{URL: scheme + "://" + hp, Addr: ln.Addr().String(), Resolve: map[string]string{hp: ln.Addr().String()}, srv: srv}, nil
}

// Close stops the server and its connections.
func (n *Named) Close() { n.srv.Close() }
