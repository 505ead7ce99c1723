import { Fragment, useId } from "react";
import { apiUrl } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";
import { exifFacts, formatLabel, orientationLabel, paletteShare } from "@/lib/result-format";
import type { ImageResult as Image } from "@/lib/result-types";

const contentUrl = apiUrl.blobs.content;

/** An image's thumbnail, palette, dimensions and format facts, and the EXIF fields it has. */
export function ImageResult({ image, name }: { image: Image; name: string }) {
  const id = useId();
  const exif = exifFacts(image.exif);
  const rotated = image.displayWidth !== image.width || image.displayHeight !== image.height;
  return (
    <>
      <section aria-labelledby={`${id}-image`}>
        <h3 id={`${id}-image`}>Image</h3>
        <div className="image-result">
          <figure className={`thumbnail${image.hasAlpha ? " checker" : ""}`}>
            {/* biome-ignore lint/performance/noImgElement: a static export serves the stored thumbnail as is */}
            <img
              src={contentUrl(image.thumbnail.path)}
              alt={`Thumbnail of ${name}, ${image.displayWidth} × ${image.displayHeight} pixels`}
              width={image.thumbnail.width}
              height={image.thumbnail.height}
              loading="lazy"
              decoding="async"
            />
            <figcaption className="hint">
              Thumbnail {image.thumbnail.width} × {image.thumbnail.height},{" "}
              {formatBytes(image.thumbnail.size)} WebP
            </figcaption>
          </figure>
          <div style={{ minWidth: 0 }}>
            <h4 id={`${id}-palette`}>Palette</h4>
            {image.dominantColors.length > 0 ? (
              <ul className="swatches" aria-labelledby={`${id}-palette`}>
                {image.dominantColors.map((c) => (
                  <li key={c.hex}>
                    <span className="swatch" style={{ background: c.hex }} aria-hidden="true" />
                    <code>{c.hex}</code>{" "}
                    <span className="hint" style={{ margin: 0 }}>
                      {paletteShare(c.share)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="hint">No opaque pixels to take colours from.</p>
            )}
            {image.dominantColors.length > 0 ? (
              <p className="hint">Each share is the part of the picture in that colour or a close shade.</p>
            ) : null}
          </div>
        </div>
        <dl className="facts">
          <dt>Format</dt>
          <dd>{formatLabel(image.format)}</dd>
          <dt>Dimensions</dt>
          <dd>
            {image.displayWidth} × {image.displayHeight} pixels
            {rotated ? (
              <span className="hint">
                {" "}
                (stored as {image.width} × {image.height})
              </span>
            ) : null}
          </dd>
          <dt>Orientation</dt>
          <dd>{orientationLabel(image.orientation)}</dd>
          <dt>Transparency</dt>
          <dd>{image.hasAlpha ? "Alpha channel" : "None"}</dd>
          <dt>Frames</dt>
          <dd>
            {image.animated
              ? `Animated, ${image.pages} frames`
              : image.pages > 1
                ? `${image.pages} pages`
                : "Still image"}
          </dd>
          {image.space ? (
            <>
              <dt>Colour space</dt>
              <dd>{image.space}</dd>
            </>
          ) : null}
          {image.density !== null ? (
            <>
              <dt>Density</dt>
              <dd>{image.density} dpi</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section aria-labelledby={`${id}-exif`}>
        <h3 id={`${id}-exif`}>Camera metadata</h3>
        {exif.length > 0 ? (
          <dl className="facts">
            {exif.map((f) => (
              <Fragment key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </Fragment>
            ))}
          </dl>
        ) : (
          <p className="hint">No EXIF metadata in this file.</p>
        )}
      </section>
    </>
  );
}
