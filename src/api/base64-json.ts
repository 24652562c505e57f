/**
 * PLACEHOLDER until the streaming decoder lands: `/v1/segment`'s JSON answer
 * `{"base64img": "..."}` decoded to the image bytes.
 */
export async function* decodeBase64ImageJson(body: AsyncIterable<Buffer>, options: { maxDecodedBytes: number }): AsyncGenerator<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > (options.maxDecodedBytes * 4) / 3 + 1024) throw new Error(`the answer exceeds ${options.maxDecodedBytes} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('the JSON answer is not valid JSON');
  }
  const text = (parsed as { base64img?: unknown }).base64img;
  if (typeof text !== 'string') throw new Error('the JSON answer has no base64img');
  yield Buffer.from(text, 'base64');
}
