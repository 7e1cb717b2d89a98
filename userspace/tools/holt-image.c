// SPDX-License-Identifier: GPL-2.0
/*
 * holt-image.c - holt-fsck and holt-dump: offline tools over a device or
 * image file, built from the portable core (no kernel involved).
 *
 *   holt-fsck IMAGE            check superblocks, catalog and frame map
 *                              chains, every frame (checksum, identity,
 *                              structure, links), slots used twice, the log
 *                              (tail, records past it: damage to a record
 *                              that replay needs is an error, a torn last
 *                              commit is not); exit 0 only when all is
 *                              consistent, 1 when something is wrong,
 *                              2 on usage or I/O errors.
 *   holt-dump IMAGE [PREFIX] [-t TREE]
 *                              KEY<TAB>VALUE lines (escaped as holt dump
 *                              does) of the tree (default "default") after
 *                              replaying the log; nothing is written.
 *                              Exits 1 (after printing) when the image is
 *                              damaged, as when the log lost records that
 *                              replay needs.
 *
 * The program is one file; its name (argv[0]) selects the tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "super.h"
#include "wal.h"
#include "tree.h"
#include "tree_load.h"
#include "validate.h"
#include "frame.h"

void cli_escape(FILE *f, const void *p, size_t len);

struct img_tree {
	u32 id;
	char name[HOLT_CAT_NAME_MAX + 1];
	u8 **frames;
	u32 cap;
	struct holt_tree *t;
};

struct img {
	int fd;
	u64 size;
	struct holt_super sb;
	u8 *used;		/* slot bitmap (bytes) */
	struct img_tree *trees;
	u32 nr_trees;
	u64 seq;
	int problems;
	bool quiet;
};

static void problem(struct img *im, const char *fmt, const char *a, u64 n)
{
	im->problems++;
	fprintf(stderr, "holt-image: ");
	fprintf(stderr, fmt, a, (unsigned long long)n);
	fputc('\n', stderr);
}

static int rd(struct img *im, u64 off, void *buf, size_t len)
{
	ssize_t n = pread(im->fd, buf, len, (off_t)off);

	if (n < 0 || (size_t)n != len) {
		memset(buf, 0, len);
		return -EIO;
	}
	return 0;
}

static u8 *read_chain(struct img *im, const struct holt_super_extent *ext,
		      u32 kind, const char *what)
{
	struct holt_super_chain_walk w;
	u8 *slot = malloc(HOLT_SLOT_SIZE), *buf;
	const u8 *pl;
	u32 len;
	int ret;

	buf = calloc(1, ext->bytes + 1);
	if (!slot || !buf)
		exit(2);
	holt_super_chain_begin(&w, ext, kind, im->sb.generation,
			       im->sb.slot_count);
	while (w.slot != HOLT_SLOT_NONE) {
		u64 at = w.slot;

		if (at >= im->sb.slot_count || im->used[at]) {
			problem(im, "%s chain: slot %llu out of range or used twice",
				what, at);
			goto bad;
		}
		im->used[at] = 1;
		if (rd(im, holt_super_slot_byte(&im->sb, at), slot,
		       HOLT_SLOT_SIZE)) {
			problem(im, "%s chain: cannot read slot %llu", what, at);
			goto bad;
		}
		ret = holt_super_chain_next(&w, slot, &pl, &len);
		if (ret < 0) {
			problem(im, "%s chain: slot %llu damaged", what, at);
			goto bad;
		}
		if (!ret)
			break;
		memcpy(buf + w.bytes - len, pl, len);
	}
	free(slot);
	return buf;
bad:
	free(slot);
	free(buf);
	return NULL;
}

static struct img_tree *tree_by_id(struct img *im, u32 id)
{
	u32 i;

	for (i = 0; i < im->nr_trees; i++)
		if (im->trees[i].id == id && im->trees[i].t)
			return &im->trees[i];
	return NULL;
}

static int load(struct img *im)
{
	struct holt_super_choice ch;
	struct holt_cat_entry ce;
	struct holt_map_entry e;
	u8 sbuf[2 * HOLT_SUPER_SIZE], *cat = NULL, *map = NULL;
	u32 i, count, pos;
	int n, err;

	if (rd(im, 0, sbuf, sizeof(sbuf)))
		return -EIO;
	err = holt_super_select(sbuf, sbuf + HOLT_SUPER_SIZE, im->size,
				&im->sb, &ch);
	if (!im->quiet)
		fprintf(stderr, "superblock A: %s; B: %s\n",
			holt_super_reason_str(ch.reason[0]),
			holt_super_reason_str(ch.reason[1]));
	if (err) {
		problem(im, "no usable superblock%s (error %llu)", "",
			(u64)-err);
		return err;
	}
	if (ch.reason[ch.picked ^ 1] != HOLT_SUPER_OK)
		problem(im, "superblock %s refused (fallback to the other)%.0llu",
			ch.picked ? "A" : "B", 0);
	if (!im->quiet)
		fprintf(stderr, "using %c: generation %llu, log epoch %u, checkpoint lsn %llu, owner %u:%u mode %04o\n",
			'A' + ch.picked, (unsigned long long)im->sb.generation,
			im->sb.log_epoch, (unsigned long long)im->sb.ckpt_lsn,
			im->sb.owner_uid, im->sb.owner_gid,
			im->sb.owner_mode);
	im->used = calloc(1, im->sb.slot_count + 1);
	if (!im->used)
		exit(2);
	if (im->sb.catalog.slot != HOLT_SLOT_NONE) {
		cat = read_chain(im, &im->sb.catalog, HOLT_META_CATALOG,
				 "catalog");
		if (!cat)
			return -EUCLEAN;
	}
	count = cat ? holt_get_le32(cat) : 0;
	if (count > 65536 || (cat && im->sb.catalog.bytes < 8)) {
		problem(im, "catalog: bad count %s%llu", "", count);
		return -EUCLEAN;
	}
	im->trees = calloc(count + 1, sizeof(*im->trees));
	pos = HOLT_CAT_HDR_SIZE;
	for (i = 0; i < count; i++) {
		n = holt_super_cat_get(cat + pos, (u32)im->sb.catalog.bytes - pos,
				       &ce);
		if (n < 0) {
			problem(im, "catalog: entry %s%llu damaged", "", i);
			return -EUCLEAN;
		}
		pos += n;
		im->trees[i].id = ce.tree;
		memcpy(im->trees[i].name, ce.name, ce.nlen);
	}
	im->nr_trees = count;
	if (im->sb.map.slot != HOLT_SLOT_NONE) {
		map = read_chain(im, &im->sb.map, HOLT_META_MAP, "frame map");
		if (!map)
			return -EUCLEAN;
	}
	for (u64 k = 0; map && k < im->sb.map.bytes / HOLT_MAP_ENTRY_SIZE; k++) {
		struct img_tree *t = NULL;
		u8 *f;

		if (holt_super_map_get(map + k * HOLT_MAP_ENTRY_SIZE,
				       im->sb.slot_count, &e)) {
			problem(im, "frame map: entry %s%llu damaged", "", k);
			continue;
		}
		for (i = 0; i < im->nr_trees; i++)
			if (im->trees[i].id == e.tree)
				t = &im->trees[i];
		if (!t || !e.frame_id || e.frame_id >= HOLT_TREE_LOAD_MAX_ID) {
			problem(im, "frame map: entry %s%llu names no tree or a bad id", "", k);
			continue;
		}
		if (im->used[e.slot]) {
			problem(im, "frame map: slot %s%llu used twice", "", e.slot);
			continue;
		}
		im->used[e.slot] = 1;
		if (e.frame_id >= t->cap) {
			u32 cap = t->cap ? t->cap : 16;

			while (cap <= e.frame_id)
				cap *= 2;
			t->frames = realloc(t->frames, sizeof(u8 *) * cap);
			memset(t->frames + t->cap, 0, sizeof(u8 *) * (cap - t->cap));
			t->cap = cap;
		}
		f = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		if (!f)
			exit(2);
		if (rd(im, holt_super_slot_byte(&im->sb, e.slot), f,
		       HOLT_FRAME_SIZE) ||
		    holt_get_le32(f + HDR_CSUM) != e.frame_crc ||
		    holt_get_le64(f + HDR_FRAME_ID) != e.frame_id) {
			problem(im, "frame in slot %s%llu: checksum or identity differs from the map", "", e.slot);
			holt_port_frame_free(f, HOLT_FRAME_SIZE);
			continue;
		}
		if (holt_frame_validate(f, 0)) {
			problem(im, "frame in slot %s%llu: invalid structure or checksum", "", e.slot);
			holt_port_frame_free(f, HOLT_FRAME_SIZE);
			continue;
		}
		t->frames[e.frame_id] = f;
	}
	for (i = 0; i < im->nr_trees; i++) {
		struct holt_tree_config cfg = { .seq = &im->seq };

		im->trees[i].t = holt_tree_open(&cfg, im->trees[i].frames,
						im->trees[i].cap, &err);
		if (!im->trees[i].t)
			problem(im, "tree %s: frames do not form a valid tree (error %llu)",
				im->trees[i].name, (u64)-err);
	}
	free(cat);
	free(map);
	return 0;
}

static int log_read(void *ctx, u64 off, void *buf, u32 len)
{
	struct img *im = ctx;

	return rd(im, im->sb.wal_off + off, buf, len);
}

static int replay(void *ctx, const struct holt_wal_rec *rec)
{
	struct img *im = ctx;
	struct holt_wal_op op;
	struct holt_ref r;
	struct img_tree *t;
	u32 pos = 0;
	int ret;

	while ((ret = holt_wal_rec_op(rec, &pos, &op)) == 1) {
		if (op.kind == HOLT_WAL_SEQ)
			continue;
		t = tree_by_id(im, op.tree);
		if (op.kind == HOLT_WAL_TREE_CREATE) {
			struct holt_tree_config cfg = { .seq = &im->seq };

			if (t)
				continue;
			im->trees = realloc(im->trees, sizeof(*im->trees) *
					    (im->nr_trees + 1));
			t = &im->trees[im->nr_trees++];
			memset(t, 0, sizeof(*t));
			t->id = op.tree;
			memcpy(t->name, op.a, op.alen);
			t->t = holt_tree_create(&cfg);
			continue;
		}
		if (!t) {
			problem(im, "log record %s%llu names an unknown tree", "",
				rec->lsn);
			return -EUCLEAN;
		}
		switch (op.kind) {
		case HOLT_WAL_TREE_DROP:
			holt_tree_destroy(t->t);
			t->t = NULL;
			break;
		case HOLT_WAL_PUT:
			if (!holt_tree_get(t->t, op.a, op.alen, &r) &&
			    r.version >= op.version)
				break;
			im->seq = op.version - 1;
			ret = holt_tree_put(t->t, op.a, op.alen, op.b, op.blen,
					    0, 0, NULL);
			break;
		case HOLT_WAL_DEL:
			if (holt_tree_get(t->t, op.a, op.alen, &r) ||
			    (op.version && r.version > op.version))
				break;
			if (op.version)
				im->seq = op.version - 1;
			ret = holt_tree_delete(t->t, op.a, op.alen, 0, 0);
			break;
		case HOLT_WAL_RENAME:
			if (!holt_tree_get(t->t, op.b, op.blen, &r) &&
			    r.version >= op.version)
				break;
			if (holt_tree_get(t->t, op.a, op.alen, &r))
				break;
			im->seq = op.version - 1;
			ret = holt_tree_rename(t->t, op.a, op.alen, op.b,
					       op.blen, true, NULL);
			break;
		}
		if (ret < 0) {
			problem(im, "replay of log record %s%llu failed", "",
				rec->lsn);
			return ret;
		}
	}
	return ret < 0 ? ret : 0;
}

static int print_item(void *ctx, const struct holt_scan_item *it)
{
	cli_escape(stdout, it->key, it->klen);
	putchar('\t');
	cli_escape(stdout, it->val, it->vlen);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool dump = strstr(prog, "dump") != NULL;
	const char *path = NULL, *prefix = "", *tree = "default";
	struct img im = { 0 };
	struct holt_wal_scan sc = { 0 };
	struct holt_wal_probe pr = { 0 };
	struct stat st;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc && dump)
			tree = argv[++i];
		else if (!path)
			path = argv[i];
		else if (dump && !*prefix)
			prefix = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, dump ? "usage: holt-dump IMAGE [PREFIX] [-t TREE]\n" :
			"usage: holt-fsck IMAGE\n");
		return 2;
	}
	im.quiet = dump;
	im.fd = open(path, O_RDONLY);
	if (im.fd < 0 || fstat(im.fd, &st)) {
		perror(path);
		return 2;
	}
	im.size = (u64)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(im.fd, BLKGETSIZE64, &im.size)) {
		perror(path);
		return 2;
	}
	err = load(&im);
	if (err)
		return dump ? 2 : 1;
	sc.wal_len = im.sb.wal_len;
	sc.start_off = im.sb.ckpt_wal_off;
	sc.start_lsn = im.sb.ckpt_lsn;
	sc.epoch_max = im.sb.log_epoch;
	sc.store = holt_super_store_id(im.sb.uuid);
	err = holt_wal_scan(&sc, log_read, &im, replay, &im);
	if (err < 0)
		problem(&im, "log scan failed%s (error %llu)", "", (u64)-err);
	if (sc.why == HOLT_WAL_W_GAP || sc.why == HOLT_WAL_W_FUTURE_EPOCH)
		problem(&im, "log tail: %s at lsn %llu", holt_wal_why_str(sc.why),
			sc.end_lsn);
	/* damage or a torn tail?  (as attach decides: holt_wal_judge()) */
	if (!err) {
		err = holt_wal_probe(&sc, log_read, &im, &pr);
		if (err)
			problem(&im, "log probe past the tail failed%s (error %llu)",
				"", (u64)-err);
	}
	if (pr.verdict == HOLT_WAL_TAIL_DAMAGED) {
		fprintf(stderr, "holt-image: log record %llu at log offset %llu is damaged (%s), but record %llu at %llu shows it was durable (mark %llu)\n",
			(unsigned long long)sc.end_lsn,
			(unsigned long long)sc.end_off, holt_wal_why_str(sc.why),
			(unsigned long long)pr.lsn, (unsigned long long)pr.off,
			(unsigned long long)pr.durable);
		problem(&im, "the log is damaged: %s%.0llu",
			"acknowledged writes after the damage cannot be replayed (attach refuses the store)",
			0);
	}
	if (!dump) {
		fprintf(stderr, "log: %llu records after the checkpoint, tail at lsn %llu (%s)\n",
			(unsigned long long)sc.records,
			(unsigned long long)sc.end_lsn, holt_wal_why_str(sc.why));
		if (pr.verdict == HOLT_WAL_TAIL_TORN)
			fprintf(stderr, "note: records of a torn last commit past the tail (lsn %llu at %llu): not replayed\n",
				(unsigned long long)pr.lsn,
				(unsigned long long)pr.off);
		printf("%s: %s (%u trees)\n", path,
		       im.problems ? "DAMAGED" : "consistent", im.nr_trees);
		return im.problems ? 1 : 0;
	}
	for (i = 0; i < (int)im.nr_trees; i++) {
		struct holt_scan_args a = {
			.prefix = (const u8 *)prefix, .plen = strlen(prefix),
			.delimiter = -1,
		};

		if (!im.trees[i].t || strcmp(im.trees[i].name, tree))
			continue;
		err = holt_tree_scan(im.trees[i].t, &a, print_item, NULL);
		return err ? 2 : (im.problems ? 1 : 0);
	}
	fprintf(stderr, "holt-dump: no tree %s\n", tree);
	return 1;
}
