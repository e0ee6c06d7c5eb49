/**
 * Fixed choices of the data pipeline that readers of the data must agree on (the build writes them
 * into the manifests too; tests check the two agree).
 */

/** Seed of the emoji train/test split and of the PCA start vectors (streams derived by name). */
export const EMOJI_SPLIT_SEED = 20261127;
/** Seed of the class-balanced Fashion-MNIST sample. */
export const FASHION_SEED = 20261128;

/** Fashion-MNIST class names in label order (Xiao, Rasul & Vollgraf, 2017). */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Caption of a class, CLIP-style ("a photo of a …"), with the article fixed by hand. */
export function fashionCaption(name: (typeof FASHION_CLASSES)[number]): string {
  const noun: Record<(typeof FASHION_CLASSES)[number], string> = {
    'T-shirt/top': 'a t-shirt or top',
    Trouser: 'a pair of trousers',
    Pullover: 'a pullover',
    Dress: 'a dress',
    Coat: 'a coat',
    Sandal: 'a sandal',
    Shirt: 'a shirt',
    Sneaker: 'a sneaker',
    Bag: 'a bag',
    'Ankle boot': 'an ankle boot',
  };
  return `a photo of ${noun[name]}`;
}
