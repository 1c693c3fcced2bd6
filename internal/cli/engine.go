package cli

import (
	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/cors"
)

// EngineFlag is --browser-engine: whose verdict explain, check and har
// report (chromium, firefox or webkit), or all three side by side.
// Without it the verdict is Chromium's and the other engines are shown
// when they differ.
type EngineFlag struct {
	Value string
}

// Register adds --browser-engine to fs.
func (f *EngineFlag) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Value, "browser-engine", "", "whose verdict: chromium, firefox, webkit (Safari) or all (every engine side by side); default Chromium's, with the others shown when they differ (docs/engines.md)")
}

// engineChoice is a parsed --browser-engine.
type engineChoice struct {
	// Primary decides the top-level verdict fields.
	Primary cors.Engine
	// Others are the engines also evaluated.
	Others []cors.Engine
	// Show prints every engine's verdict, even when they agree.
	Show bool
	// Given is true when the flag was set.
	Given bool
}

// parse reads the flag; def is the primary engine when it is not given
// (har: the engine that recorded the file).
func (f *EngineFlag) parse(def cors.Engine) (engineChoice, error) {
	c := engineChoice{Primary: def}
	switch f.Value {
	case "":
	case "all":
		c.Show, c.Given = true, true
	default:
		e, err := cors.ParseEngine(f.Value)
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
