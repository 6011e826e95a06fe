/*
 * segtex: every public header of libsegtex. Most applications need only
 * segtex/effect.h (the front door); the others are the layers under it:
 *
 *   core    status, logging, images, allocation, thread pool, clock
 *   assets  where the models are found
 *   nn      .tflite models on XNNPACK or the reference kernels
 *   vision  face detection, landmarks and tracking; segmentation
 *   face_geometry  MediaPipe's canonical face mesh (vertices, texture coordinates, triangles)
 *   render  texture sets and the one-pass compositor
 *   io      image files, video sources and sinks, the preview window
 *   json    the landmarks file and per-frame results as JSON
 *   pipeline  what a frame source looks like to the engine
 *   effect  segtex_effect: a frame in, the painted frame and its results out
 */
#ifndef SEGTEX_SEGTEX_H
#define SEGTEX_SEGTEX_H

#include "segtex/core.h"
#include "segtex/assets.h"
#include "segtex/nn.h"
#include "segtex/vision.h"
#include "segtex/face_geometry.h"
#include "segtex/render.h"
#include "segtex/io.h"
#include "segtex/json.h"
#include "segtex/pipeline.h"
#include "segtex/effect.h"

#endif
