package app

import "github.com/corsdoctor/corsdoctor/cors"

// EngineChoice is a parsed --browser-engine: whose verdict explain,
// check and har report.
type EngineChoice struct {
	// Primary decides the top-level verdict fields.
	Primary cors.Engine
	// Others are the engines also evaluated.
	Others []cors.Engine
	// Show prints every engine's verdict, even when they agree.
	Show bool
	// Given is true when the flag was set.
	Given bool
}

// ParseEngine reads --browser-engine's value (chromium, firefox, webkit,
// all or ""); def is the primary engine when it is not given (har: the
// engine that recorded the file).
func ParseEngine(value string, def cors.Engine) (EngineChoice, error) {
	c := EngineChoice{Primary: def}
	switch value {
	case "":
	case "all":
		c.Show, c.Given = true, true
	default:
		e, err := cors.ParseEngine(value)
		if err != nil {
			return c, Usagef("--browser-engine: %v (or all)", err)
		}
		c.Primary, c.Given = e, true
		return c, nil // one engine chosen: that engine only
	}
	for _, e := range cors.Engines {
		if e != c.Primary {
			c.Others = append(c.Others, e)
		}
	}
	return c, nil
}
