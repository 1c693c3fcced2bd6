package live

import "github.com/corsdoctor/corsdoctor/apimodel"

// clone deep-copies the parts of a model a plan changes (resources,
// methods, integrations, responses, gateway responses, CORS
// configuration); functions, authorizers, stages and deployments are
// shared, read-only.
func clone(a *apimodel.API) *apimodel.API {
	c := *a
	c.Resources = nil
	for _, r := range a.Resources {
		rc := *r
		rc.Methods = nil
		for _, m := range r.Methods {
			mc := *m
			if m.Integration != nil {
				ic := *m.Integration
				ic.Responses = nil
				for _, ir := range m.Integration.Responses {
					irc := *ir
					irc.ResponseParameters = copyValues(ir.ResponseParameters)
					ic.Responses = append(ic.Responses, &irc)
				}
				mc.Integration = &ic
			}
			if m.MethodResponses != nil {
				mc.MethodResponses = map[string]*apimodel.MethodResponse{}
				for k, mr := range m.MethodResponses {
					mrc := *mr
					mrc.Headers = append([]string(nil), mr.Headers...)
					mc.MethodResponses[k] = &mrc
				}
			}
			rc.Methods = append(rc.Methods, &mc)
		}
		c.Resources = append(c.Resources, &rc)
	}
	if a.GatewayResponses != nil {
		c.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		for k, g := range a.GatewayResponses {
			gc := *g
			gc.ResponseParameters = copyValues(g.ResponseParameters)
			c.GatewayResponses[k] = &gc
		}
	}
	if a.Cors != nil {
		cc := *a.Cors
		cc.AllowOrigins = append([]apimodel.Value(nil), a.Cors.AllowOrigins...)
		cc.AllowMethods = append([]apimodel.Value(nil), a.Cors.AllowMethods...)
		cc.AllowHeaders = append([]apimodel.Value(nil), a.Cors.AllowHeaders...)
		cc.ExposeHeaders = append([]apimodel.Value(nil), a.Cors.ExposeHeaders...)
		c.Cors = &cc
	}
	return &c
}

func copyValues(m map[string]apimodel.Value) map[string]apimodel.Value {
	if m == nil {
		return nil
	}
	out := make(map[string]apimodel.Value, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
