/**
 * A folder dropped on the page, read through the File and Directory Entries API (`webkitGetAsEntry`): every file
 * under it with its path inside it. The entries must be taken from the drop event synchronously; reading them is
 * asynchronous, a batch of entries at a time.
 */

/** A dropped folder: its name, and its files with their `/`-separated paths inside it. */
export interface DroppedFolder {
  name: string;
  files: File[];
  paths: string[];
}

/** The directory dropped, if the drop holds exactly one item and it is a directory (call inside the drop handler). */
export function droppedDirectory(transfer: DataTransfer): FileSystemDirectoryEntry | null {
  if (transfer.items.length !== 1) return null;
  const entry = transfer.items[0]?.webkitGetAsEntry?.() ?? null;
  return entry?.isDirectory ? (entry as FileSystemDirectoryEntry) : null;
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every file under `directory`, with its path inside it; at most `maxEntries` entries are read (then it throws). */
export async function readDroppedFolder(
  directory: FileSystemDirectoryEntry,
  maxEntries: number,
): Promise<DroppedFolder> {
  const files: File[] = [];
  const paths: string[] = [];
  let seen = 0;
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = dir.createReader();
    for (;;) {
      const batch = await readBatch(reader);
      if (batch.length === 0) return;
      for (const entry of batch) {
        if (++seen > maxEntries)
          throw new Error(
            `The folder ${directory.name} holds more than ${maxEntries.toLocaleString('en')} entries (the limit); nothing was read.`,
          );
        const path = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, path);
        else if (entry.isFile) {
          files.push(await fileOf(entry as FileSystemFileEntry));
          paths.push(path);
        }
      }
    }
  };
  await walk(directory, '');
  return { name: directory.name, files, paths };
}
