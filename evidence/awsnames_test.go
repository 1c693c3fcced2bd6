package evidence

import "testing"

func TestAWSNamesOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want AWSNames
	}{
		{"https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod/items", AWSNames{APIID: "abc123def4", Stage: "prod"}},
		{"https://ABC123DEF4.execute-api.eu-west-1.amazonaws.com/Prod_2-x", AWSNames{APIID: "abc123def4", Stage: "Prod_2-x"}},
		{"https://abc123def4.execute-api.us-east-1.amazonaws.com/", AWSNames{APIID: "abc123def4"}},
		{"https://abc.execute-api.us-east-1.amazonaws.com/prod", AWSNames{Stage: "prod"}}, // not a 10-character id
		{"https://abc123def4.execute-api.us-east-1.amazonaws.com/$(id)/x", AWSNames{APIID: "abc123def4"}},
		{"https://my-uploads.s3.eu-west-1.amazonaws.com/photos/a.jpg", AWSNames{Bucket: "my-uploads"}},
		{"https://my-uploads.s3.amazonaws.com/a", AWSNames{Bucket: "my-uploads"}},
		{"https://my.dotted.bucket.s3.amazonaws.com/a", AWSNames{Bucket: "my.dotted.bucket"}},
		{"https://x.s3-y.s3.amazonaws.com/a", AWSNames{Bucket: "x.s3-y"}},
		{"http://site-bucket.s3-website-us-east-1.amazonaws.com/", AWSNames{Bucket: "site-bucket"}},
		{"http://site-bucket.s3-website.eu-central-1.amazonaws.com/", AWSNames{Bucket: "site-bucket"}},
		{"https://legacy.s3-us-west-2.amazonaws.com/k", AWSNames{Bucket: "legacy"}},
		{"https://fast.s3-accelerate.amazonaws.com/k", AWSNames{Bucket: "fast"}},
		{"https://dual.s3.dualstack.us-east-1.amazonaws.com/k", AWSNames{Bucket: "dual"}},
		{"https://s3.eu-west-1.amazonaws.com/path-bucket/k/v", AWSNames{Bucket: "path-bucket"}},
		{"https://s3.amazonaws.com/path-bucket", AWSNames{Bucket: "path-bucket"}},
		{"https://s3-eu-west-1.amazonaws.com/path-bucket/k", AWSNames{Bucket: "path-bucket"}},
		{"https://s3.amazonaws.com/Bad_Bucket;rm/k", AWSNames{}},
		{"https://ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/k", AWSNames{}},
		{"https://d111111abcdef8.cloudfront.net/k", AWSNames{}},
		{"https://api.example.com/prod/items", AWSNames{}},
		{"https://x.lambda-url.us-east-1.on.aws/", AWSNames{}},
		{"::not a url", AWSNames{}},
		{"", AWSNames{}},
	} {
		if got := AWSNamesOf(tc.url); got != tc.want {
			t.Errorf("AWSNamesOf(%q) = %+v, want %+v", tc.url, got, tc.want)
		}
	}
}

func FuzzAWSNamesOf(f *testing.F) {
	f.Add("https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod/items")
	f.Add("https://my.bucket.s3.amazonaws.com/k")
	f.Add("https://s3.amazonaws.com/b/k")
	f.Fuzz(func(t *testing.T, u string) {
		n := AWSNamesOf(u)
		for _, v := range []string{n.APIID, n.Stage, n.Bucket} {
			for _, c := range v {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
					t.Fatalf("AWSNamesOf(%q) = %+v: %q is not a plain name", u, n, v)
				}
			}
		}
	})
}
