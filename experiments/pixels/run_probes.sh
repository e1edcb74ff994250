#!/bin/bash

cd "$(dirname "$0")/../.."
run() { name=$1; shift; python experiments/pixels/mlp_probe.py "$1" > experiments/pixels/$name.log 2>&1; }
run crop_h64_s0 '{"seed":0,"games":64,"train_max_score":30,"lr":0.001,"hidden":[64],"baseline":"mean","torch_threads":1,"crop":[4,24],"seconds":1200,"eval_every":60}'
run crop_h64_g256_s0 '{"seed":0,"games":256,"train_max_score":30,"lr":0.001,"hidden":[64],"baseline":"mean","torch_threads":1,"crop":[4,24],"seconds":1200,"eval_every":60}'
run diff_h64_s0 '{"seed":0,"games":64,"train_max_score":30,"lr":0.001,"hidden":[64],"baseline":"mean","torch_threads":1,"crop":[4,24],"diff":true,"seconds":1200,"eval_every":60}'
