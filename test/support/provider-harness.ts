import { afterEach, expect } from 'vitest'
import { AppError } from '../../src-main/core/errors'
import type { ChatChunk } from '../../src-main/core/providers/types'

/**
 * What the provider tests do over and over with a chat stream: read it to the end, read it to
 * its error, stop it part-way, and start loopback fakes that are closed after every test.
 */

export async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

/** Reads the stream until it throws and returns what it threw; `seen` gets every chunk before that. */
export async function failure(stream: AsyncIterable<ChatChunk>, seen: ChatChunk[] = []): Promise<AppError> {
  try {
    for await (const chunk of stream) seen.push(chunk)
  } catch (error) {
    return error as AppError
  }
  throw new Error('the stream did not fail')
}

/** As failure(), and the error must be an AppError: a raw SDK error leaking out fails the test. */
export async function appFailure(stream: AsyncIterable<ChatChunk>, seen: ChatChunk[] = []): Promise<AppError> {
  const error = await failure(stream, seen)
  expect(error).toBeInstanceOf(AppError)
  return error
}

export const texts = (chunks: ChatChunk[]): string[] => chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []))

export const signal = (): AbortSignal => new AbortController().signal

type Chat = (signal: AbortSignal) => AsyncIterable<ChatChunk>

/** Runs a chat and aborts it once `when` holds for a chunk just seen; returns the error it ends with. */
export function abortWhen(chat: Chat, when: (chunk: ChatChunk, seen: ChatChunk[]) => boolean, seen: ChatChunk[] = []): Promise<AppError> {
  const controller = new AbortController()
  const stream = (async function* () {
    for await (const chunk of chat(controller.signal)) {
      yield chunk
      if (when(chunk, seen)) controller.abort()
    }
  })()
  return failure(stream, seen)
}

/** Starts a chat against a server that hangs, aborts it once `arrived` resolves, and returns the error it ends with. */
export async function abortWhileWaiting(chat: Chat, arrived: () => unknown): Promise<AppError> {
  const controller = new AbortController()
  const pending = failure(chat(controller.signal))
  await arrived()
  controller.abort()
  return pending
}

/**
 * Wraps a fake's start function so every fake it starts is closed after each test. Call it at
 * the level (file or describe) whose tests use the fakes.
 */
export function closedAfterEach<A extends unknown[], T extends { close(): Promise<void> }>(start: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  const started: T[] = []
  afterEach(async () => {
    for (const fake of started.splice(0)) await fake.close()
  })
  return async (...args) => {
    const fake = await start(...args)
    started.push(fake)
    return fake
  }
}
