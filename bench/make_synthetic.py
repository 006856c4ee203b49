#!/usr/bin/env python3
"""Writes the synthetic scaling cases (NIfTI, 1 mm isotropic voxels, identity direction):
  size series:   spherical ROIs of radius R voxels (R in --radii), 64 grey levels;
  levels series: one sphere of radius --levels-radius, L grey levels (L in --levels).
Inside the ROI each voxel is an independent uniform integer in 0..L-1 (seeded, numpy
default_rng(seed)), outside 0; with bin width 1 that gives L grey levels in the ROI, the worst
case for zone and run counts. The cube is 2R+5 voxels on each side.
Usage: make_synthetic.py OUT_FOLDER [--radii 4,6,...] [--levels 16,...] [--levels-radius 12]
Prints a CSV: series,name,radius,levels,voxels,image,mask"""
import argparse, os
import numpy as np, SimpleITK as sitk

def sphere_case(out, name, radius, levels, seed):
    n = 2 * radius + 5
    c = (n - 1) / 2
    k, j, i = np.indices((n, n, n))
    mask = ((i - c) ** 2 + (j - c) ** 2 + (k - c) ** 2 <= radius ** 2).astype(np.uint8)
    rng = np.random.default_rng(seed)
    image = np.where(mask == 1, rng.integers(0, levels, size=mask.shape), 0).astype(np.float32)
    paths = []
    for array, suffix in ((image, 'image'), (mask, 'mask')):
        path = os.path.join(out, f'{name}_{suffix}.nii.gz')
        sitk.WriteImage(sitk.GetImageFromArray(array), path)
        paths.append(path)
    return int(mask.sum()), paths

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--radii', default='4,6,8,11,16,22,32')
    ap.add_argument('--levels', default='16,32,64,128,256,512,1024,2048')
    ap.add_argument('--levels-radius', type=int, default=12)
    ap.add_argument('--seed', type=int, default=20261203)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    print('series,name,radius,levels,voxels,image,mask')
    for r in map(int, a.radii.split(',')):
        voxels, (image, mask) = sphere_case(a.out, f'size_r{r}', r, 64, a.seed + r)
        print(f'size,size_r{r},{r},64,{voxels},{image},{mask}')
    for L in map(int, a.levels.split(',')):
        r = a.levels_radius
        voxels, (image, mask) = sphere_case(a.out, f'levels_{L}', r, L, a.seed + L)
        print(f'levels,levels_{L},{r},{L},{voxels},{image},{mask}')

if __name__ == '__main__':
    main()
