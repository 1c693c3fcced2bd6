package evidence

import (
	"net/url"
	"regexp"
	"strings"
)

// AWSNames are the names of the AWS resource a request went to, as its
// URL gives them; a field is empty when the URL does not say.
type AWSNames struct {
	// APIID is the API Gateway API id of an execute-api host.
	APIID string
	// Stage is the first path segment under an execute-api host: always
	// the stage for a REST API (the stage is part of the invoke URL); an
	// HTTP API's $default stage has no segment, so for HTTP APIs it is
	// only a guess (callers decide).
	Stage string
	// Bucket is the S3 bucket of a virtual-hosted-style host
	// (BUCKET.s3.REGION.amazonaws.com, BUCKET.s3-website-REGION...) or of
	// a path-style URL (s3.REGION.amazonaws.com/BUCKET/KEY).
	Bucket string
}

// Names as AWS allows them: an API id is 10 lower-case letters and
// digits; a stage name letters, digits, hyphens and underscores (at most
// 128); a bucket name 3 to 63 lower-case letters, digits, dots and
// hyphens, starting and ending with a letter or digit. Anything else is
// not taken from the URL, so a fix never prints a value that did not come
// from a real AWS name (fixes are shell commands).
// Sources: API Gateway "CreateStage" stageName and "Invoke a REST API"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html);
// S3 "Bucket naming rules", "Virtual hosting of buckets"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
var (
	apiIDRe  = regexp.MustCompile(`^[a-z0-9]{10}$`)
	stageRe  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// IsAPIID reports whether s has the form of an API Gateway API id.
func IsAPIID(s string) bool { return apiIDRe.MatchString(s) }

// IsStageName reports whether s is an API Gateway stage name other than
// HTTP APIs' "$default".
func IsStageName(s string) bool { return stageRe.MatchString(s) }

// AWSNamesOf reads the API Gateway API id and stage, or the S3 bucket,
// from an AWS default host name. Custom domains name nothing.
func AWSNamesOf(rawURL string) AWSNames {
	var n AWSNames
	u, err := url.Parse(rawURL)
	if err != nil {
		return n
	}
	h := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(h, ".amazonaws.com") {
		return n
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if id, _, ok := strings.Cut(h, ".execute-api."); ok {
		if apiIDRe.MatchString(id) {
			n.APIID = id
		}
		if stageRe.MatchString(seg) {
			n.Stage = seg
		}
		return n
	}
	// Path style: s3.amazonaws.com/BUCKET, s3.REGION.amazonaws.com/BUCKET,
	// s3-REGION.amazonaws.com/BUCKET (legacy).
	if strings.HasPrefix(h, "s3.") || strings.HasPrefix(h, "s3-") && !strings.HasPrefix(h, "s3-accesspoint") {
		if bucketRe.MatchString(seg) {
			n.Bucket = seg
		}
		return n
	}
	// Virtual-hosted style: the bucket is everything before the last
	// ".s3." or ".s3-" label (bucket names may hold dots, even "s3");
	// access points and Object Lambda name no bucket.
	i := max(strings.LastIndex(h, ".s3."), strings.LastIndex(h, ".s3-"))
	if i <= 0 {
		return n
	}
	if rest := h[i+1:]; strings.HasPrefix(rest, "s3-accesspoint") || strings.HasPrefix(rest, "s3-object-lambda") {
		return n
	}
	if bucketRe.MatchString(h[:i]) {
		n.Bucket = h[:i]
	}
	return n
}
