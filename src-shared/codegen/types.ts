/** A generated file: text (source code, JSON) or bytes (weights, .onnx). Names are plain file names, no folders. */
export interface TextFile {
  readonly name: string;
  readonly content: string;
}

export interface BinaryFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type ExportFile = TextFile | BinaryFile;

export function isBinary(f: ExportFile): f is BinaryFile {
  return 'bytes' in f;
}
