/** The file name of a batch's output, the same in whichever generation of the partition it lands. */
export function outputName(batchId: string, chunk: number): string {
  return `part-${batchId}-${String(chunk).padStart(4, '0')}.parquet`;
}

/** The readready object key of a batch's output in its partition's own folder: a function of the batch only. */
export function outputKey(table: string, calendarday: string, batchId: string, chunk: number): string {
  return `${table}/calendarday=${calendarday}/${outputName(batchId, chunk)}`;
}
