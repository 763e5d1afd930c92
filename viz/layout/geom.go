package layout

import "math"

// Point is a position in device pixels; Y grows downwards, as on screen.
type Point struct{ X, Y float64 }

// Add returns p+q.
func (p Point) Add(q Point) Point { return Point{p.X + q.X, p.Y + q.Y} }

// Sub returns p-q.
func (p Point) Sub(q Point) Point { return Point{p.X - q.X, p.Y - q.Y} }

// Mul returns p scaled by k.
func (p Point) Mul(k float64) Point { return Point{p.X * k, p.Y * k} }

// Len returns the Euclidean length of p.
func (p Point) Len() float64 { return math.Hypot(p.X, p.Y) }

// Rect is the axis-aligned box [Min.X, Max.X] x [Min.Y, Max.Y].
type Rect struct{ Min, Max Point }

// RectAt returns the w x h box centred on c.
func RectAt(c Point, w, h float64) Rect {
	return Rect{Point{c.X - w/2, c.Y - h/2}, Point{c.X + w/2, c.Y + h/2}}
}

// Dx returns r's width.
func (r Rect) Dx() float64 { return r.Max.X - r.Min.X }

// Dy returns r's height.
func (r Rect) Dy() float64 { return r.Max.Y - r.Min.Y }

// Center returns the centre of r.
func (r Rect) Center() Point { return Point{(r.Min.X + r.Max.X) / 2, (r.Min.Y + r.Max.Y) / 2} }

// Inset returns r shrunk by d on every side (grown when d < 0).
func (r Rect) Inset(d float64) Rect {
	return Rect{Point{r.Min.X + d, r.Min.Y + d}, Point{r.Max.X - d, r.Max.Y - d}}
}

// Overlaps reports whether r and s share interior points.
func (r Rect) Overlaps(s Rect) bool {
	return r.Min.X < s.Max.X && s.Min.X < r.Max.X && r.Min.Y < s.Max.Y && s.Min.Y < r.Max.Y
}

// Contains reports whether p lies in r's interior.
func (r Rect) Contains(p Point) bool {
	return r.Min.X < p.X && p.X < r.Max.X && r.Min.Y < p.Y && p.Y < r.Max.Y
}

// Union returns the smallest box holding r and s. An empty (zero) r is ignored.
func (r Rect) Union(s Rect) Rect {
	if r == (Rect{}) {
		return s
	}
	return Rect{
		Point{math.Min(r.Min.X, s.Min.X), math.Min(r.Min.Y, s.Min.Y)},
		Point{math.Max(r.Max.X, s.Max.X), math.Max(r.Max.Y, s.Max.Y)},
	}
}

// add returns r moved by d.
func (r Rect) add(d Point) Rect { return Rect{r.Min.Add(d), r.Max.Add(d)} }

// OnBorder reports whether p lies on r's border, within tol.
func (r Rect) OnBorder(p Point, tol float64) bool {
	if p.X < r.Min.X-tol || p.X > r.Max.X+tol || p.Y < r.Min.Y-tol || p.Y > r.Max.Y+tol {
		return false
	}
	return math.Abs(p.X-r.Min.X) <= tol || math.Abs(p.X-r.Max.X) <= tol ||
		math.Abs(p.Y-r.Min.Y) <= tol || math.Abs(p.Y-r.Max.Y) <= tol
}

// Bezier is a cubic Bézier curve from P[0] to P[3] with control points P[1] and P[2].
// A straight segment is a Bezier whose control points lie on it.
type Bezier [4]Point

// At returns the point of b at parameter t in [0, 1].
func (b Bezier) At(t float64) Point {
	s := 1 - t
	return b[0].Mul(s * s * s).Add(b[1].Mul(3 * s * s * t)).Add(b[2].Mul(3 * s * t * t)).Add(b[3].Mul(t * t * t))
}

// Flatten appends to dst n+1 points evenly spaced in t along b and returns it.
func (b Bezier) Flatten(dst []Point, n int) []Point {
	for i := 0; i <= n; i++ {
		dst = append(dst, b.At(float64(i)/float64(n)))
	}
	return dst
}

// Dashes splits the polyline pts into dashes of length on separated by gaps of
// length off, measured along the line. Each dash is a polyline of its own.
func Dashes(pts []Point, on, off float64) [][]Point {
	if on <= 0 || off <= 0 {
		panic("layout: Dashes needs positive dash and gap lengths")
	}
	var out [][]Point
	var cur []Point
	drawing, left := true, on // left is what remains of the current dash or gap
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		seg := b.Sub(a).Len()
		pos := 0.0
		if drawing && len(cur) == 0 {
			cur = append(cur, a)
		}
		for seg-pos > left {
			pos += left
			p := a.Add(b.Sub(a).Mul(pos / seg))
			if drawing {
				cur = append(cur, p)
				out = append(out, cur)
				cur = nil
				left = off
			} else {
				cur = []Point{p}
				left = on
			}
			drawing = !drawing
		}
		left -= seg - pos
		if drawing {
			cur = append(cur, b)
		}
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// segmentsCross reports whether segments ab and cd properly intersect.
func segmentsCross(a, b, c, d Point) bool {
	d1 := cross(b.Sub(a), c.Sub(a))
	d2 := cross(b.Sub(a), d.Sub(a))
	d3 := cross(d.Sub(c), a.Sub(c))
	d4 := cross(d.Sub(c), b.Sub(c))
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

func cross(p, q Point) float64 { return p.X*q.Y - p.Y*q.X }

// PolylinesCross reports whether polylines p and q intersect anywhere.
func PolylinesCross(p, q []Point) bool {
	for i := 1; i < len(p); i++ {
		for j := 1; j < len(q); j++ {
			if segmentsCross(p[i-1], p[i], q[j-1], q[j]) {
				return true
			}
		}
	}
	return false
}

// polylineHits reports whether any point of pts lies inside r.
func polylineHits(pts []Point, r Rect) bool {
	for i, p := range pts {
		if r.Contains(p) {
			return true
		}
		if i > 0 && segmentHitsRect(pts[i-1], p, r) {
			return true
		}
	}
	return false
}

func segmentHitsRect(a, b Point, r Rect) bool {
	corners := [4]Point{r.Min, {r.Max.X, r.Min.Y}, r.Max, {r.Min.X, r.Max.Y}}
	for k := range corners {
		if segmentsCross(a, b, corners[k], corners[(k+1)%4]) {
			return true
		}
	}
	return false
}
