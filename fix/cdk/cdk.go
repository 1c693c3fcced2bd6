// Package cdk turns findings in CDK output (cdk.out/*.template.json) into
// the change to make in the CDK app, for `corsdoctor fix`: the synthesized
// template is regenerated on every `cdk synth`, so editing it would be
// lost. Each advice names the construct by its path (the aws:cdk:path
// metadata CDK writes on every resource) and gives the construct-level
// call in aws-cdk-lib: RestApi defaultCorsPreflightOptions, Resource
// addCorsPreflight, RestApi addGatewayResponse, HttpApi corsPreflight,
// Function addFunctionUrl cors (https://docs.aws.amazon.com/cdk/api/v2/).
package cdk

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/handler"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Rules are the findings this package gives construct-level advice for.
var Rules = map[string]string{
	"CD2001": "Resource.addCorsPreflight({allowOrigins, allowMethods, allowHeaders}) on the resource's construct, or defaultCorsPreflightOptions on the RestApi; HttpApi corsPreflight",
	"CD2002": "the OPTIONS method CDK generates inherits defaultMethodOptions (aws/aws-cdk#8615): override it to AuthorizationType NONE through its CfnMethod, or set the authorizer per method",
	"CD2003": "the OPTIONS method inherits apiKeyRequired from defaultMethodOptions: set it per method, or override the OPTIONS CfnMethod's ApiKeyRequired to false",
	"CD2004": "the preflight options (allowOrigins, allowMethods, allowHeaders) of the construct",
	"CD2005": "allowMethods of the construct's preflight options",
	"CD2008": "the handler code (in the CDK app's sources, not cdk.out): the snippet and where it goes",
	"CD2026": "the handler code (in the CDK app's sources, not cdk.out): the headers every response must carry, errors included",
	"CD2009": "RestApi.addGatewayResponse for ResponseType.DEFAULT_4XX and DEFAULT_5XX with the Access-Control-Allow-Origin response header",
	"CD2010": "the corrected origin in allowOrigins of the construct's CORS options",
	"CD2011": "allowOrigins with the --origin values instead of Cors.ALL_ORIGINS when allowCredentials is true",
	"CD2012": "allowOrigins with the --origin values instead of the reflected origin",
	"CD2013": "allowHeaders of the construct's CORS options",
	"CD2014": "one allowOrigins item per origin",
	"CD2018": "binaryMediaTypes listing the binary types the API serves instead of */*",
	"CD2020": "the https origin in allowOrigins",
	"CD2021": "maxAge: Duration.hours(2) (Chromium's cap)",
	"CD2025": "allowHeaders with Authorization, X-Amz-Date and X-Amz-Security-Token for SigV4-signed requests",
	"CD2050": "the preflight options of the construct, with the headers and methods the clients send",
}

// Fix returns the construct-level change for a finding in CDK output.
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	if c.API == nil {
		return nil, fixer.Skipf("the finding could not be matched to an API")
	}
	d, err := c.Files.Doc(c.Finding.Location.File)
	if err != nil {
		return nil, err
	}
	path := constructPath(d, c.Finding.Location)
	apiPath := resourcePath(d, c.API.ID)
	if apiPath == "" {
		apiPath = c.API.ID
	}
	if path == "" {
		path = apiPath
	}
	api := c.API
	origins := c.Origins
	if len(origins) == 0 {
		for _, o := range fixer.ConfiguredOrigins(api) {
			if fixer.WellFormedOrigin(o) && o != "*" {
				origins = append(origins, o)
			}
		}
	}
	if len(origins) == 0 && c.Finding.RuleID != "CD2008" && c.Finding.RuleID != "CD2026" && c.Finding.RuleID != "CD2018" && c.Finding.RuleID != "CD2021" {
		return nil, fixer.Needs("--origin", "the advice needs the page origin to allow; give it with --origin")
	}
	headers := c.ClientHeaders(nil)
	var b strings.Builder
	summary := "change construct " + path
	switch c.Finding.RuleID {
	case "CD2008", "CD2026":
		ch, err := handler.Fix(c)
		if err != nil {
			return nil, err
		}
		if ch.Advice == "" {
			// The asset in cdk.out is a copy of the app's code: say what
			// to change there instead of patching the copy.
			return nil, fixer.Skipf("the handler is a CDK asset (a copy made by cdk synth): change the app's source and synthesize again")
		}
		return &fixer.Change{Summary: ch.Summary + " (construct " + path + ")", Advice: ch.Advice}, nil
	case "CD2009":
		fmt.Fprintf(&b, "// %s (aws-cdk-lib/aws-apigateway RestApi)\n", apiPath)
		for _, t := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
			fmt.Fprintf(&b, "api.addGatewayResponse('%s', {\n  type: apigateway.ResponseType.%s,\n  responseHeaders: { 'Access-Control-Allow-Origin': \"'%s'\" },\n});\n",
				strings.ToLower(strings.ReplaceAll(t, "_", "")), t, origins[0])
		}
		summary = "add gateway responses to " + apiPath
	case "CD2002", "CD2003":
		prop := "AuthorizationType', 'NONE'"
		extra := "options.addPropertyDeletionOverride('AuthorizerId');\n"
		if c.Finding.RuleID == "CD2003" {
			prop, extra = "ApiKeyRequired', false", ""
		}
		fmt.Fprintf(&b, "// %s: the OPTIONS method inherits defaultMethodOptions (aws/aws-cdk#8615)\n", path)
		fmt.Fprintf(&b, "const options = resource.node.findChild('OPTIONS').node.defaultChild as apigateway.CfnMethod;\noptions.addPropertyOverride('%s);\n%s", prop, extra)
		b.WriteString("// or give the authorizer/API key to each method instead of defaultMethodOptions\n")
		summary = "take the authorizer off the OPTIONS method of " + path
	case "CD2018":
		fmt.Fprintf(&b, "// %s: list the binary types the API serves; \"*/*\" makes the CORS MOCK integration fail\nbinaryMediaTypes: ['image/png', 'application/octet-stream'],  // your types\n", apiPath)
		summary = "narrow binaryMediaTypes of " + apiPath
	case "CD2021":
		fmt.Fprintf(&b, "// %s\nmaxAge: Duration.hours(2),  // Chromium caps preflight caching at 7200 s\n", path)
		summary = "lower maxAge of " + path
	default:
		// A REST preflight is a resource's (Resource.addCorsPreflight):
		// name the resource holding the finding's method, with its
		// methods, not the method's construct (CDK puts a Method at
		// RESOURCE_PATH/VERB, the root resource at API_PATH/Default).
		var res *apimodel.Resource
		if api.Kind == apimodel.REST {
			res = fixer.ResourceAt(api, c.Finding.Location)
			if rp := methodResourcePath(d, c.Finding.Location, apiPath); rp != "" {
				path = rp
			}
		}
		preflight(&b, api, res, path, origins, headers, fixer.CredentialsAllowed(api))
		summary = "set the CORS options of " + path
	}
	return &fixer.Change{Summary: summary, Advice: b.String()}, nil
}

// preflight writes the construct's CORS options.
// res is the REST resource to answer preflights on (nil: every resource's
// methods, for defaultCorsPreflightOptions).
func preflight(b *strings.Builder, api *apimodel.API, res *apimodel.Resource, path string, origins, headers []string, cred bool) {
	q := func(ss []string) string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = "'" + s + "'"
		}
		return strings.Join(out, ", ")
	}
	credLine := ""
	if cred {
		credLine = "  allowCredentials: true,\n"
	}
	switch api.Kind {
	case apimodel.HTTP:
		var ms []string
		for _, m := range fixer.RouteMethods(api) {
			ms = append(ms, "apigwv2.CorsHttpMethod."+m)
		}
		fmt.Fprintf(b, "// %s (aws-cdk-lib/aws-apigatewayv2 HttpApi)\ncorsPreflight: {\n  allowOrigins: [%s],\n  allowMethods: [%s],\n  allowHeaders: [%s],\n%s},\n",
			path, q(origins), strings.Join(ms, ", "), q(headers), credLine)
	case apimodel.FunctionURL:
		fmt.Fprintf(b, "// %s (aws-cdk-lib/aws-lambda Function)\nfn.addFunctionUrl({\n  cors: {\n    allowedOrigins: [%s],\n    allowedHeaders: [%s],\n  },\n});\n", path, q(origins), q(headers))
	default:
		var ms []string
		rs := api.Resources
		if res != nil {
			rs = []*apimodel.Resource{res}
		}
		for _, r := range rs {
			for _, m := range fixer.Methods(r) {
				if !contains(ms, m) {
					ms = append(ms, m)
				}
			}
		}
		hl := ""
		if len(headers) > 0 {
			hl = "  allowHeaders: [" + q(headers) + "],\n"
		}
		fmt.Fprintf(b, "// %s (aws-cdk-lib/aws-apigateway)\nresource.addCorsPreflight({\n  allowOrigins: [%s],\n  allowMethods: [%s],\n%s%s});\n",
			path, q(origins), q(ms), hl, credLine)
		fmt.Fprintf(b, "// or for every resource: new apigateway.RestApi(this, '...', { defaultCorsPreflightOptions: { allowOrigins, allowHeaders as above } })  // allowMethods defaults to Cors.ALL_METHODS\n")
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// constructPath returns the aws:cdk:path of the resource holding loc,
// without CDK's trailing "/Resource" (the L1 child of a construct).
func constructPath(d *yamledit.Doc, loc fixer.Source) string {
	if id := logicalIDAt(d, loc); id != "" {
		return resourcePath(d, id)
	}
	return ""
}

// logicalIDAt returns the logical ID of the template resource holding
// loc, "" when loc is not inside one.
func logicalIDAt(d *yamledit.Doc, loc fixer.Source) string {
	if loc.File != d.Name {
		return ""
	}
	ns := d.NodesAt(loc.Line, loc.Column)
	if len(ns) == 0 {
		return ""
	}
	p := d.Path(ns[0])
	if len(p) < 2 || p[0] != "Resources" {
		return ""
	}
	return p[1]
}

// methodResourcePath returns the construct path of the REST resource of
// the AWS::ApiGateway::Method holding loc: its ResourceId's Ref, or
// API_PATH/Default for the root resource (GetAtt RootResourceId); "" when
// loc is not in a method.
func methodResourcePath(d *yamledit.Doc, loc fixer.Source, apiPath string) string {
	id := logicalIDAt(d, loc)
	if id == "" {
		return ""
	}
	r := yamledit.Get(yamledit.Get(d.Root(), "Resources"), id)
	if t, _ := fixer.ScalarValue(yamledit.Get(r, "Type")); t != "AWS::ApiGateway::Method" {
		return ""
	}
	rid := yamledit.Get(yamledit.Get(r, "Properties"), "ResourceId")
	if ref, ok := fixer.ScalarValue(yamledit.Get(rid, "Ref")); ok {
		return resourcePath(d, ref)
	}
	if ga := yamledit.Get(rid, "Fn::GetAtt"); ga != nil && ga.Kind == yaml.SequenceNode && len(ga.Content) == 2 {
		if attr, _ := fixer.ScalarValue(ga.Content[1]); attr == "RootResourceId" {
			return apiPath + "/Default"
		}
	}
	return ""
}

func resourcePath(d *yamledit.Doc, id string) string {
	r := yamledit.Get(yamledit.Get(d.Root(), "Resources"), id)
	md := yamledit.Get(yamledit.Get(r, "Metadata"), "aws:cdk:path")
	if md == nil || md.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSuffix(md.Value, "/Resource")
}
