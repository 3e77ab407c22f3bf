import { S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../adapters/s3-object-store.js";
import { requiredEnv } from "./env.js";

// Created once per container, at cold start, and reused by every invocation.
const s3 = new S3Client({});

/** The data bucket (`DATA_BUCKET`). */
export const dataBucket = () => new S3ObjectStore(s3, requiredEnv("DATA_BUCKET"));
