// Command screenshots renders the main pages of corsdoctor's web UI and
// HTML reports to PNG files for review, in light and dark mode. It drives
// headless Chromium (chromedp) against a running `corsdoctor serve` and
// `corsdoctor lab`; scripts/screenshots.sh starts both and runs it:
//
//	scripts/screenshots.sh [OUT_DIR]
//
// It talks to loopback addresses only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/corsdoctor/corsdoctor/collect/browser"
)

func main() {
	ui := flag.String("ui", "http://127.0.0.1:7072", "URL of corsdoctor serve")
	labURL := flag.String("lab", "http://127.0.0.1:7071", "URL of corsdoctor lab")
	out := flag.String("out", "screenshots", "output directory")
	reports := flag.String("reports", "", "comma-separated HTML report files to capture too")
	flag.Parse()
	if err := run(*ui, *labURL, *out, *reports); err != nil {
		fmt.Fprintf(os.Stderr, "screenshots: error: %v\n", err)
		os.Exit(1)
	}
}

func run(ui, labURL, out, reports string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	path, err := browser.FindChromium()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "corsdoctor-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts := append(browser.Flags(nil, nil), chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return fmt.Errorf("chromium: %w", err)
	}
	ctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer tcancel()

	shot := func(name string) error {
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		p := filepath.Join(out, name+".png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		fmt.Println(p)
		return nil
	}
	check := func(path, origin, method, headers string) error {
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(ui + "/"),
			chromedp.SendKeys(chromedp.ID("url"), labURL+path),
			chromedp.SendKeys(chromedp.ID("origins"), origin),
			chromedp.SetValue(chromedp.ID("method"), method),
		}
		if headers != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.ID("headers"), headers))
		}
		steps = append(steps, chromedp.Click(chromedp.ID("run")), chromedp.WaitVisible(chromedp.CSS(`svg[id$="-diagram"]`)))
		return chromedp.Do(ctx, steps...)
	}
	for _, scheme := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		})); err != nil {
			return fmt.Errorf("emulate %s: %w", scheme, err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ui+"/"), chromedp.WaitVisible(chromedp.ID("url"))); err != nil {
			return err
		}
		if err := shot("serve-form-" + scheme); err != nil {
			return err
		}
		if err := check("/aws/rest/no-options-method", "http://localhost:5173", "DELETE", "Content-Type: application/json\nAuthorization: Bearer example-token"); err != nil {
			return fmt.Errorf("check no-options-method: %w", err)
		}
		if err := shot("serve-result-preflight-" + scheme); err != nil {
			return err
		}
		if err := check("/app/trailing-slash", "http://localhost:5173\nhttps://app.example.com", "GET", ""); err != nil {
			return fmt.Errorf("check trailing-slash: %w", err)
		}
		if err := shot("serve-result-two-origins-" + scheme); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ui+"/history")); err != nil {
			return err
		}
		if err := shot("serve-history-" + scheme); err != nil {
			return err
		}
		for _, r := range strings.Split(reports, ",") {
			if r == "" {
				continue
			}
			abs, err := filepath.Abs(r)
			if err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs)); err != nil {
				return err
			}
			name := strings.TrimSuffix(filepath.Base(r), filepath.Ext(r))
			if err := shot("report-" + name + "-" + scheme); err != nil {
				return err
			}
		}
	}
	return nil
}
