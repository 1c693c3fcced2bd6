package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// routeV1 maps an API Gateway (v1, restJson1) request to its operation.
func (s *Server) routeV1(r *http.Request) (string, func(*call)) {
	if op, h := s.routeV1Write(r); h != nil {
		return op, h
	}
	p := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range p {
		p[i] = unescape(p[i])
	}
	get := r.Method == http.MethodGet
	switch {
	case len(p) == 1 && get:
		return "apigateway:GetRestApis", func(c *call) {
			var apis []map[string]any
			if s.inRegion(c) {
				for _, a := range s.state.RestAPIs {
					apis = append(apis, a.API)
				}
			}
			items, next := page(apis, c.r.URL.Query().Get("position"), atoi(c.r.URL.Query().Get("limit")), s.pageSize(25), 500, s.state.PageSize)
			out := map[string]any{"item": wire(items)}
			if next != "" {
				out["position"] = next
			}
			c.ok(out)
		}
	case len(p) == 2 && get:
		return "apigateway:GetRestApi", func(c *call) { s.v1(c, p[1], func(a *RestAPI) { c.ok(wire(a.API)) }) }
	case len(p) == 3 && get && p[2] == "resources":
		return "apigateway:GetResources", func(c *call) { s.v1(c, p[1], func(a *RestAPI) { s.getResources(c, a) }) }
	case len(p) == 3 && get && p[2] == "gatewayresponses":
		return "apigateway:GetGatewayResponses", func(c *call) {
			s.v1(c, p[1], func(a *RestAPI) { c.ok(map[string]any{"item": wire(a.GatewayResponses)}) })
		}
	case len(p) == 3 && get && p[2] == "stages":
		return "apigateway:GetStages", func(c *call) {
			s.v1(c, p[1], func(a *RestAPI) { c.ok(map[string]any{"item": wire(a.Stages)}) })
		}
	case len(p) == 3 && get && p[2] == "deployments":
		return "apigateway:GetDeployments", func(c *call) {
			s.v1(c, p[1], func(a *RestAPI) {
				items, next := page(a.Deployments, c.r.URL.Query().Get("position"), atoi(c.r.URL.Query().Get("limit")), s.pageSize(25), 500, s.state.PageSize)
				out := map[string]any{"item": wire(items)}
				if next != "" {
					out["position"] = next
				}
				c.ok(out)
			})
		}
	case len(p) == 6 && get && p[2] == "stages" && p[4] == "exports":
		return "apigateway:GetExport", func(c *call) { s.v1(c, p[1], func(a *RestAPI) { s.getExport(c, a, p[3], p[5]) }) }
	case len(p) == 6 && r.Method == http.MethodPost && p[2] == "resources" && p[4] == "methods":
		return "apigateway:TestInvokeMethod", func(c *call) {
			s.v1(c, p[1], func(a *RestAPI) {
				resp, ok := a.TestInvoke[p[3]+" "+p[5]]
				if !ok {
					c.fail(404, "NotFoundException", "Invalid Method identifier specified")
					return
				}
				c.ok(resp)
			})
		}
	}
	return "apigateway:" + r.Method + " " + r.URL.Path, nil
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (s *Server) pageSize(def int) int {
	if s.state.PageSize > 0 {
		return s.state.PageSize
	}
	return def
}

// v1 finds the REST API or answers NotFoundException as AWS does.
func (s *Server) v1(c *call, id string, f func(*RestAPI)) {
	if s.inRegion(c) {
		for i := range s.state.RestAPIs {
			if str(s.state.RestAPIs[i].API, "id") == id {
				f(&s.state.RestAPIs[i])
				return
			}
		}
	}
	c.fail(404, "NotFoundException", fmt.Sprintf("Invalid API identifier specified %s:%s", s.state.Account, id))
}

// getResources honours embed=methods (without it, resourceMethods only
// names the methods, as in AWS), limit (default 25, max 500) and position.
func (s *Server) getResources(c *call, a *RestAPI) {
	q := c.r.URL.Query()
	embed := false
	for _, e := range q["embed"] {
		for _, v := range strings.Split(e, ",") {
			if v == "methods" {
				embed = true
			}
		}
	}
	items, next := page(a.Resources, q.Get("position"), atoi(q.Get("limit")), s.pageSize(25), 500, s.state.PageSize)
	out := make([]any, len(items))
	for i, res := range items {
		m := wire(res).(map[string]any)
		if !embed {
			if rm, ok := m["resourceMethods"].(map[string]any); ok {
				bare := map[string]any{}
				for k := range rm {
					bare[k] = map[string]any{}
				}
				m["resourceMethods"] = bare
			}
		}
		out[i] = m
	}
	body := map[string]any{"item": out}
	if next != "" {
		body["position"] = next
	}
	c.ok(body)
}

func (s *Server) getExport(c *call, a *RestAPI, stage, typ string) {
	doc, ok := a.Exports[stage]
	if !ok {
		c.fail(404, "NotFoundException", "Invalid stage identifier specified")
		return
	}
	if typ != "oas30" && typ != "swagger" {
		c.fail(400, "BadRequestException", "Invalid export type "+typ)
		return
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s-%s-%s.json\"", str(a.API, "name"), stage, typ))
	c.w.Write(b)
}

// routeV2 maps an API Gateway v2 request to its operation.
func (s *Server) routeV2(r *http.Request) (string, func(*call)) {
	if op, h := s.routeV2Write(r); h != nil {
		return op, h
	}
	p := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if r.Method == http.MethodGet && len(p) == 2 && p[1] == "apis" {
		return "apigatewayv2:GetApis", func(c *call) {
			var apis []map[string]any
			if s.inRegion(c) {
				for _, a := range s.state.HTTPAPIs {
					apis = append(apis, a.API)
				}
			}
			q := c.r.URL.Query()
			items, next := page(apis, q.Get("nextToken"), atoi(q.Get("maxResults")), s.pageSize(100), 500, s.state.PageSize)
			out := map[string]any{"items": items}
			if next != "" {
				out["nextToken"] = next
			}
			c.ok(out)
		}
	}
	if r.Method != http.MethodGet || len(p) < 3 || p[1] != "apis" {
		return "apigatewayv2:" + r.Method + " " + r.URL.Path, nil
	}
	id := p[2]
	list := func(op string, items func(*HTTPAPI) []map[string]any) (string, func(*call)) {
		return "apigatewayv2:" + op, func(c *call) {
			s.v2(c, id, func(a *HTTPAPI) {
				q := c.r.URL.Query()
				page, next := page(items(a), q.Get("nextToken"), atoi(q.Get("maxResults")), s.pageSize(100), 500, s.state.PageSize)
				out := map[string]any{"items": page}
				if next != "" {
					out["nextToken"] = next
				}
				c.ok(out)
			})
		}
	}
	switch {
	case len(p) == 3:
		return "apigatewayv2:GetApi", func(c *call) { s.v2(c, id, func(a *HTTPAPI) { c.ok(a.API) }) }
	case len(p) == 4 && p[3] == "routes":
		return list("GetRoutes", func(a *HTTPAPI) []map[string]any { return a.Routes })
	case len(p) == 4 && p[3] == "integrations":
		return list("GetIntegrations", func(a *HTTPAPI) []map[string]any { return a.Integrations })
	case len(p) == 4 && p[3] == "stages":
		return list("GetStages", func(a *HTTPAPI) []map[string]any { return a.Stages })
	case len(p) == 4 && p[3] == "deployments":
		return list("GetDeployments", func(a *HTTPAPI) []map[string]any { return a.Deployments })
	}
	return "apigatewayv2:" + r.Method + " " + r.URL.Path, nil
}

// v2 finds the HTTP API or answers NotFoundException.
func (s *Server) v2(c *call, id string, f func(*HTTPAPI)) {
	if s.inRegion(c) {
		for i := range s.state.HTTPAPIs {
			if str(s.state.HTTPAPIs[i].API, "apiId") == id {
				f(&s.state.HTTPAPIs[i])
				return
			}
		}
	}
	c.fail(404, "NotFoundException", "Invalid API identifier specified "+id)
}
