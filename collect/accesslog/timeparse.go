package accesslog

import (
	"time"
)

// Hand-written time parsers for the hot path; time.Parse allocates and
// is several times slower.

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// daysFromCivil is Howard Hinnant's algorithm: days since 1970-01-01.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func num(b []byte, n int) (int, bool) {
	if len(b) < n {
		return 0, false
	}
	v := 0
	for _, c := range b[:n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func validDate(y, mo, d, h, mi, s int) bool {
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 {
		return false
	}
	return d <= daysIn(mo, y)
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func unixMS(y, mo, d, h, mi, s, ms int, offSec int) int64 {
	days := daysFromCivil(y, mo, d)
	return ((days*86400+int64(h*3600+mi*60+s))-int64(offSec))*1000 + int64(ms)
}

// parseCLFTime parses "02/Jan/2006:15:04:05 -0700".
func parseCLFTime(b []byte) (int64, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return 0, false
	}
	d, ok1 := num(b[0:], 2)
	y, ok2 := num(b[7:], 4)
	h, ok3 := num(b[12:], 2)
	mi, ok4 := num(b[15:], 2)
	s, ok5 := num(b[18:], 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return 0, false
	}
	mo := 0
	for i, m := range months {
		if string(b[3:6]) == m {
			mo = i + 1
			break
		}
	}
	if !validDate(y, mo, d, h, mi, s) {
		return 0, false
	}
	off, ok := parseOffset(b[21:])
	if !ok {
		return 0, false
	}
	return unixMS(y, mo, d, h, mi, s, 0, off), true
}

// parseOffset parses "+0000" or "-07:00".
func parseOffset(b []byte) (int, bool) {
	if len(b) == 0 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	sign := 1
	if b[0] == '-' {
		sign = -1
	}
	b = b[1:]
	var hh, mm int
	var ok1, ok2 bool
	switch len(b) {
	case 4:
		hh, ok1 = num(b, 2)
		mm, ok2 = num(b[2:], 2)
	case 5:
		if b[2] != ':' {
			return 0, false
		}
		hh, ok1 = num(b, 2)
		mm, ok2 = num(b[3:], 2)
	default:
		return 0, false
	}
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

// parseISO parses RFC 3339 times: "2006-01-02T15:04:05Z",
// "2006-01-02T15:04:05.123456Z", "2006-01-02T15:04:05+01:00".
func parseISO(b []byte) (int64, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y, ok1 := num(b, 4)
	mo, ok2 := num(b[5:], 2)
	d, ok3 := num(b[8:], 2)
	h, ok4 := num(b[11:], 2)
	mi, ok5 := num(b[14:], 2)
	s, ok6 := num(b[17:], 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !validDate(y, mo, d, h, mi, s) {
		return 0, false
	}
	rest := b[19:]
	ms := 0
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			if k <= 3 {
				ms = ms*10 + int(rest[k]-'0')
			}
			k++
		}
		if k == 1 {
			return 0, false
		}
		for n := k; n <= 3; n++ {
			ms *= 10
		}
		rest = rest[k:]
	}
	off := 0
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	default:
		o, ok := parseOffset(rest)
		if !ok {
			return 0, false
		}
		off = o
	}
	return unixMS(y, mo, d, h, mi, s, ms, off), true
}

// parseDateTime parses CloudFront's "2006-01-02" and "15:04:05" (UTC).
func parseDateTime(d, t []byte) (int64, bool) {
	if len(d) != 10 || len(t) != 8 || d[4] != '-' || d[7] != '-' || t[2] != ':' || t[5] != ':' {
		return 0, false
	}
	y, ok1 := num(d, 4)
	mo, ok2 := num(d[5:], 2)
	dd, ok3 := num(d[8:], 2)
	h, ok4 := num(t, 2)
	mi, ok5 := num(t[3:], 2)
	s, ok6 := num(t[6:], 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !validDate(y, mo, dd, h, mi, s) {
		return 0, false
	}
	return unixMS(y, mo, dd, h, mi, s, 0, 0), true
}

// parseAnyTime reads an epoch (seconds or milliseconds, as a number or
// a string of digits), a CLF time or an RFC 3339 time.
func parseAnyTime(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	if b[0] >= '0' && b[0] <= '9' && (len(b) < 5 || b[4] != '-') && (len(b) < 3 || b[2] != '/') {
		var n int64
		for i, c := range b {
			if c == '.' {
				// fractional seconds: "1700000000.123"
				ms := int64(0)
				digits := 0
				for _, c2 := range b[i+1:] {
					if c2 < '0' || c2 > '9' {
						return 0, false
					}
					if digits < 3 {
						ms = ms*10 + int64(c2-'0')
						digits++
					}
				}
				for ; digits < 3; digits++ {
					ms *= 10
				}
				return n*1000 + ms, true
			}
			if c < '0' || c > '9' || i > 15 {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		if n < 100_000_000_000 { // seconds until year 5138
			return n * 1000, true
		}
		return n, true
	}
	if ms, ok := parseCLFTime(b); ok {
		return ms, true
	}
	return parseISO(b)
}

// msTime converts Unix milliseconds to a UTC time.
func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
