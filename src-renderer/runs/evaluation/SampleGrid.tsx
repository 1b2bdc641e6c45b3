import { useEffect, useRef } from 'react';
import type { SamplePrediction } from '../../../src-shared/api/services/training.js';
import { className, imagePixels, maskPixels } from './evaluation-model.js';
import type { Pixels } from './evaluation-model.js';

const SIZE = 72;

/** Pixels drawn on a <canvas>, scaled up without smoothing; a one-line error instead when they are malformed. */
function PixelCanvas({ pixels, label }: { pixels: Pixels | { error: string }; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (c === null || 'error' in pixels) return;
    const ctx = c.getContext('2d');
    if (ctx === null) return;
    c.width = pixels.width;
    c.height = pixels.height;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels.rgba), pixels.width, pixels.height), 0, 0);
  }, [pixels]);
  if ('error' in pixels) return <div className="sample-error">{pixels.error}</div>;
  const scale = SIZE / Math.max(pixels.width, pixels.height);
  return <canvas ref={ref} className="sample-canvas" aria-label={label} style={{ width: pixels.width * scale, height: pixels.height * scale }} />;
}

/**
 * Sample predictions: each image with its true and predicted class (wrong ones marked, with the
 * model's confidence); for segmentation the image, the true mask and the predicted mask side by side.
 */
export function SampleGrid({ samples, names }: { samples: readonly SamplePrediction[]; names: readonly string[] }) {
  if (samples.length === 0) return null;
  const segmentation = samples.some((s) => s.trueMask !== undefined || s.predictedMask !== undefined);
  return (
    <div className={`sample-grid${segmentation ? ' seg' : ''}`} data-testid="sample-grid">
      {samples.map((s) => {
        const wrong = !segmentation && s.trueLabel !== null && s.predictedLabel !== null && s.trueLabel !== s.predictedLabel;
        const conf = s.confidence === null ? '' : ` (${Math.round(s.confidence * 100)}%)`;
        return (
          <figure key={s.index} className={`sample${wrong ? ' wrong' : ''}`} data-testid="sample" data-wrong={wrong}>
            <div className="sample-images">
              <PixelCanvas pixels={imagePixels(s.image)} label={`example ${s.index}`} />
              {s.trueMask !== undefined && <PixelCanvas pixels={maskPixels(s.trueMask)} label={`true mask of example ${s.index}`} />}
              {s.predictedMask !== undefined && <PixelCanvas pixels={maskPixels(s.predictedMask)} label={`predicted mask of example ${s.index}`} />}
            </div>
            <figcaption>
              {segmentation ? (
                <span className="muted">
                  image · true · predicted{conf}
                </span>
              ) : (
                <>
                  <span title="true class">{s.trueLabel === null ? '—' : className(names, s.trueLabel)}</span>
                  <span className={wrong ? 'pred wrong' : 'pred'} title={`predicted class${conf}`}>
                    {wrong ? '✗ ' : '✓ '}
                    {s.predictedLabel === null ? '—' : className(names, s.predictedLabel)}
                    {conf}
                  </span>
                </>
              )}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
