import type { S3Client } from "@aws-sdk/client-s3";
import { checkedKey, isStoreKey, type TranscriptStore } from "./transcript-store.ts";

/**
 * The AWS SDK (~30 MB resident with its presigner) is loaded when an S3 store is first used,
 * not by every server that keeps transcripts on its own disk.
 */
const sdk = async () => ({
  ...(await import("@aws-sdk/client-s3")),
  ...(await import("@aws-sdk/s3-request-presigner")),
});
type Sdk = Awaited<ReturnType<typeof sdk>>;

export interface S3StoreConfig {
  bucket: string;
  prefix: string;
  region: string;
  /** Any S3-compatible service (MinIO, R2, …); AWS when absent. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** Transcripts in S3 (or compatible), with presigned downloads. */
export class S3Store implements TranscriptStore {
  readonly kind = "s3" as const;
  private opened: Promise<{ client: S3Client; aws: Sdk }> | null = null;

  constructor(private readonly cfg: S3StoreConfig) {}

  private open(): Promise<{ client: S3Client; aws: Sdk }> {
    const cfg = this.cfg;
    this.opened ??= sdk().then((aws) => ({
      aws,
      client: new aws.S3Client({
        region: cfg.region,
        endpoint: cfg.endpoint,
        forcePathStyle: Boolean(cfg.endpoint),
        credentials:
          cfg.accessKeyId && cfg.secretAccessKey
            ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
            : undefined,
      }),
    }));
    return this.opened;
  }

  // The filesystem store's check too: every key is safe today only because it is built from a uuid.
  private key = (k: string) => `${this.cfg.prefix}${checkedKey(k)}`;

  async put(key: string, body: Buffer): Promise<void> {
    const { client, aws } = await this.open();
    await client.send(
      new aws.PutObjectCommand({
        Bucket: this.cfg.bucket,
        Key: this.key(key),
        Body: body,
        ContentType: "application/gzip",
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const { client, aws } = await this.open();
    const res = await client.send(new aws.GetObjectCommand({ Bucket: this.cfg.bucket, Key: this.key(key) }));
    if (!res.Body) throw new Error(`empty S3 object ${key}`);
    return Buffer.from(await res.Body.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    const { client, aws } = await this.open();
    await client.send(new aws.DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: this.key(key) }));
  }

  async downloadUrl(key: string, seconds: number): Promise<string> {
    const { client, aws } = await this.open();
    return aws.getSignedUrl(client, new aws.GetObjectCommand({ Bucket: this.cfg.bucket, Key: this.key(key) }), {
      expiresIn: seconds,
    });
  }

  async olderThan(cutoff: Date): Promise<string[]> {
    const { client, aws } = await this.open();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new aws.ListObjectsV2Command({ Bucket: this.cfg.bucket, Prefix: this.cfg.prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.cfg.prefix.length) ?? "";
        // Not one of ours (a console's "folder" marker, a hand-made object): never deleted, and
        // never allowed to stop retention for the rest.
        if (isStoreKey(key) && o.LastModified && o.LastModified < cutoff) keys.push(key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
