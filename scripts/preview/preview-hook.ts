/**
 * `window.pushDoctorPreview`: what the browser preview adds to the page for development and tests,
 * beside the regular `window.pushDoctor`. A browser gives a page no file system paths for dropped
 * items, so the preview's `pathForDroppedFile` answers from a map filled here. The shipped preload
 * has nothing like it (it asks Electron's webUtils).
 */
export interface PreviewHook {
  /** Tells the bridge where a File "is" on disk, as Electron's webUtils.getPathForFile would. */
  registerFile(file: File, path: string): void;
  /**
   * Drops items on the window as a file manager would: one File per entry, registered at that path
   * (null: an item without a path, like dragged text).
   */
  drop(paths: Array<string | null>): void;
}
