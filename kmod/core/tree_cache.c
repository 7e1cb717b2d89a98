// SPDX-License-Identifier: GPL-2.0
/*
 * tree_cache.c - evicting clean frames and reading them back on demand
 * (the interface and its rules are in tree_cache.h).
 */
#include "tree_int.h"
#include "tree_cache.h"
#include "validate.h"

/**
 * holt_tree_frame_read() - read frame @id through a loader into new memory
 * @l: the loader
 * @id: frame id
 * @fp: gets the frame, which passed holt_frame_validate() and carries @id
 *
 * Context: process context, may sleep (the loader's).
 * Return: 0, -ENOMEM, -EUCLEAN or the loader's error.
 */
int holt_tree_frame_read(const struct holt_frame_loader *l, u32 id, u8 **fp)
{
	u8 *f = holt_port_frame_alloc(HOLT_FRAME_SIZE);
	int err;

	if (!f)
		return -ENOMEM;
	err = l->read(l->ctx, id, f);
	if (err)
		goto free_frame;
	err = holt_frame_validate(f, 0);
	if (!err && holt_get_le64(f + HDR_FRAME_ID) != id)
		err = -EUCLEAN;
	if (err) {
		if (l->damaged)
			l->damaged(l->ctx, id, err);
		goto free_frame;
	}
	/* in memory a frame's slot table is stale until sealed */
	wr16(f + HDR_NUM_SLOTS, 0);
	*fp = f;
	return 0;

free_frame:
	holt_port_frame_free(f, HOLT_FRAME_SIZE);
	return err;
}

/**
 * holt_tree_frame_fault() - read an out frame back and publish it
 * @t: tree
 * @id: frame id (below t->frames_cap)
 * @fp: gets the frame
 *
 * Context: process context; the caller holds the tree shared or exclusive.
 * Other readers may load the same frame at the same time; one copy wins.
 * Return: 0, -EUCLEAN (no such frame, or the image failed validation), or
 * the loader's error.
 */
int holt_tree_frame_fault(struct holt_tree *t, u64 id, u8 **fp)
{
	const struct holt_frame_loader *l = t->loader;
	u8 *f, *old;
	int err;

	if (!holt_port_read_once(t->meta[id].out)) {
		/* a concurrent loader may have published it meanwhile */
		holt_port_rmb();
		f = holt_port_read_once(t->frames[id]);
		if (!f)
			return -EUCLEAN;
		*fp = f;
		return 0;
	}
	if (!l)
		return -EUCLEAN;
	err = holt_tree_frame_read(l, (u32)id, &f);
	if (err)
		return err;
	old = holt_port_cmpxchg_ptr(&t->frames[id], NULL, f);
	if (old) {
		holt_port_frame_free(f, HOLT_FRAME_SIZE);
		*fp = old;
		return 0;
	}
	holt_port_write_once(t->meta[id].out, 0);
	holt_port_write_once(t->meta[id].ref, 1);
	holt_atomic_add(&t->nr_out, -1);
	holt_atomic_add(&t->loads, 1);
	*fp = f;
	return 0;
}

/**
 * holt_tree_set_loader() - give a tree the loader its out frames come from
 * @t: tree
 * @loader: the loader, or NULL (then no frame may be evicted)
 *
 * Context: the caller holds the tree exclusively.
 */
void holt_tree_set_loader(struct holt_tree *t,
			  const struct holt_frame_loader *loader)
{
	t->loader = loader;
}

/**
 * holt_tree_frame_gen() - the change count of a frame id
 * @t: tree
 * @id: frame id
 *
 * Context: the caller excludes writers.
 * Return: the generation (0 for an id never used).
 */
u64 holt_tree_frame_gen(struct holt_tree *t, u32 id)
{
	return id < t->frames_cap ? t->meta[id].gen : 0;
}

/**
 * holt_tree_frame_in_use() - is a frame id part of the tree (in memory or out)
 * @t: tree
 * @id: frame id
 *
 * Context: the caller excludes writers.
 * Return: true when it is.
 */
bool holt_tree_frame_in_use(struct holt_tree *t, u32 id)
{
	if (!id || id >= t->frames_cap)
		return false;
	return t->frames[id] || t->meta[id].out;
}

/**
 * holt_tree_frame_test_ref() - was a frame used since the last call
 * @t: tree
 * @id: frame id
 *
 * Clears the mark (the clock hand of an eviction passes over it).
 *
 * Context: the caller excludes writers.
 * Return: true when a walk entered the frame since the last call.
 */
bool holt_tree_frame_test_ref(struct holt_tree *t, u32 id)
{
	bool ref;

	if (!id || id >= t->frames_cap)
		return false;
	ref = holt_port_read_once(t->meta[id].ref);
	if (ref)
		holt_port_write_once(t->meta[id].ref, 0);
	return ref;
}

/**
 * holt_tree_frame_evict() - drop a clean frame from memory
 * @t: tree
 * @id: frame id, not the root
 *
 * The caller knows the frame is clean: its loader returns the image of
 * the frame as it is now (the caller wrote it at holt_tree_frame_gen(),
 * which has not changed since).
 *
 * Context: the caller holds the tree exclusively (no reader holds a
 * pointer into it), outside a batch.
 * Return: 0, or -EINVAL (root, not in memory, no loader, inside a batch).
 */
int holt_tree_frame_evict(struct holt_tree *t, u32 id)
{
	if (id <= HOLT_ROOT_FRAME || id >= t->frames_cap || !t->frames[id] ||
	    !t->loader || t->jnl)
		return -EINVAL;
	holt_port_frame_free(t->frames[id], HOLT_FRAME_SIZE);
	t->frames[id] = NULL;
	t->meta[id].laid = 0;
	t->meta[id].out = 1;
	t->meta[id].ref = 0;
	holt_atomic_add(&t->nr_out, 1);
	t->evictions++;
	return 0;
}

/**
 * holt_tree_nr_resident() - frames of the tree in memory
 * @t: tree
 *
 * Context: any; a reader racing with loads sees a value a moment old.
 * Return: the count.
 */
u32 holt_tree_nr_resident(struct holt_tree *t)
{
	return t->nr_frames - (u32)holt_atomic_read(&t->nr_out);
}

/**
 * holt_tree_nr_loads() - frames read back through the loader so far
 * @t: tree
 *
 * Context: any.
 * Return: the count.
 */
u64 holt_tree_nr_loads(struct holt_tree *t)
{
	return (u64)holt_atomic_read(&t->loads);
}
