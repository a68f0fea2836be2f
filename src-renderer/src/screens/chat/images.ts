import type { ImageInputSchema } from '../../../../src-shared/contract'
import type { z } from 'zod'

export type ImageInput = z.infer<typeof ImageInputSchema>

/** The contract's base64 limit, with a little room. */
export const MAX_BASE64 = 880_000
export const MAX_SIDE = 1024
export const MAX_IMAGES = 4

const loadBitmap = async (file: Blob): Promise<{ image: CanvasImageSource; width: number; height: number }> => {
  if (typeof createImageBitmap === 'function') {
    const bitmap = await createImageBitmap(file)
    return { image: bitmap, width: bitmap.width, height: bitmap.height }
  }
  const url = URL.createObjectURL(file)
  try {
    const image = new Image()
    image.src = url
    await image.decode()
    return { image, width: image.naturalWidth, height: image.naturalHeight }
  } finally {
    URL.revokeObjectURL(url)
  }
}

/**
 * A picture scaled down in a canvas so its longer side is at most 1024 px, as JPEG, lowering the
 * quality until it fits the contract's limit.
 */
export async function scaleImage(file: File): Promise<ImageInput> {
  if (!file.type.startsWith('image/')) throw new Error(`${file.name} is not a picture.`)
  const { image, width, height } = await loadBitmap(file)
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height, 1))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(width * scale))
  canvas.height = Math.max(1, Math.round(height * scale))
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This window cannot draw pictures, so it cannot attach them.')
  context.drawImage(image, 0, 0, canvas.width, canvas.height)
  for (const quality of [0.85, 0.7, 0.55, 0.4]) {
    const data = canvas.toDataURL('image/jpeg', quality).split(',')[1] ?? ''
    if (data.length > 0 && data.length <= MAX_BASE64) return { name: file.name.replace(/\.[^.]+$/, '') + '.jpg', mime: 'image/jpeg', data }
  }
  throw new Error(`${file.name} is still too large after scaling down; attach a smaller picture.`)
}

/** Pictures among pasted or dropped files. */
export const imageFiles = (files: FileList | readonly File[] | null | undefined): File[] => [...(files ?? [])].filter((file) => file.type.startsWith('image/'))
