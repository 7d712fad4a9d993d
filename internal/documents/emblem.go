package documents

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"sync"

	xdraw "golang.org/x/image/draw"
)

// The regional emblem (lambang daerah) printed at the left of the
// letterhead. Offices upload whatever their graphics unit gives them: a
// 16-bit or interlaced PNG, a 4000-pixel scan, a CMYK JPEG. The PDF writer
// takes only plain 8-bit PNGs and baseline JPEGs, so every emblem is decoded
// here and written again as a small 8-bit PNG.

// emblemMaxPixels bounds the emblem's longer side: 25 mm printed at about
// 600 dpi, and a few tens of kilobytes in every letter.
const emblemMaxPixels = 600

// ErrEmblem is returned for an emblem that is not a readable PNG or JPEG image.
var ErrEmblem = errors.New("documents: the emblem is not a readable PNG or JPEG image")

// PrepareEmblem checks an emblem image and returns it as an 8-bit PNG of at
// most emblemMaxPixels on its longer side.
func PrepareEmblem(data []byte) ([]byte, error) {
	emblemCache.Lock()
	defer emblemCache.Unlock()
	key := sha256.Sum256(data)
	if emblemCache.key == key && emblemCache.png != nil {
		return emblemCache.png, nil
	}
	out, err := prepareEmblem(data)
	if err != nil {
		return nil, err
	}
	emblemCache.key, emblemCache.png = key, out
	return out, nil
}

// emblemCache keeps the last prepared emblem: an office has one, and every
// document of the day prints it.
var emblemCache struct {
	sync.Mutex
	key [32]byte
	png []byte
}

func prepareEmblem(data []byte) ([]byte, error) {
	var src image.Image
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		src, err = png.Decode(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		src, err = jpeg.Decode(bytes.NewReader(data))
	default:
		return nil, ErrEmblem
	}
	if err != nil {
		return nil, errors.Join(ErrEmblem, err)
	}
	b := src.Bounds()
	if b.Dx() < 16 || b.Dy() < 16 {
		return nil, ErrEmblem
	}
	w, h := b.Dx(), b.Dy()
	if m := max(w, h); m > emblemMaxPixels {
		w, h = max(1, w*emblemMaxPixels/m), max(1, h*emblemMaxPixels/m)
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	} else {
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	}
	var buf bytes.Buffer
	// an opaque image is written without its alpha channel by the encoder
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// emblemSize is the printed size of an emblem in millimetres: at most
// maxW wide and maxH high, keeping its proportions.
func emblemSize(png []byte, maxW, maxH float64) (w, h float64) {
	cfg, err := pngConfig(png)
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return 0, 0
	}
	ratio := float64(cfg.Width) / float64(cfg.Height)
	w, h = maxH*ratio, maxH
	if w > maxW {
		w, h = maxW, maxW/ratio
	}
	return w, h
}

func pngConfig(data []byte) (image.Config, error) {
	return png.DecodeConfig(bytes.NewReader(data))
}
